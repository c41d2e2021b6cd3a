using System.Buffers;
using System.Net;
using System.Text;
using ActorSockets.Protocol.Chat;
using ActorSockets.Protocol.Notes;
using ActorSockets.Protocol.Requests;
using ActorSockets.Server.Services;
using ActorSockets.Server.Sum;
using ActorSockets.Server.Sessions;
using ActorSockets.Tests.Support;
using Akka.IO;
using Akka.TestKit.Xunit2;
using CsCheck;
using Xunit.Abstractions;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// Random bytes into every parser: none throws anything but its own documented failure, and a
/// session fed garbage answers each request line with exactly one line and never crashes.
/// </summary>
public class GarbageInputTests(ITestOutputHelper output) : TestKit("akka.loglevel = WARNING", output)
{
    private static readonly string[] Prefixes = ["", "@t ", "@", "POST ", "GET ", "KEY ", "MSG 1 ", "MSG 1 AAAA AAAA AAAA ", "1 ", "-"];

    /// <summary>Any bytes, newlines excepted (a line), sometimes behind a word a parser looks for.</summary>
    private static readonly Gen<byte[]> Line =
        Gen.Select(Gen.Int[0, Prefixes.Length - 1], Gen.Byte.Where(b => b != (byte)'\n').Array[0, 300],
            (prefix, rest) => (byte[])[.. Encoding.ASCII.GetBytes(Prefixes[prefix]), .. rest]);

    [Fact]
    public void Every_parser_takes_any_line_and_fails_only_in_its_own_words()
    {
        Line.Sample(line =>
        {
            Request.Parse(line, out _, out var body);
            CommonCommands.Recognize(body, crashEnabled: false);

            var reply = new ArrayBufferWriter<byte>();
            Assert.Equal(ServiceStep.Complete, SumService.Instance.Handle(default, body, reply));
            var text = Encoding.UTF8.GetString(reply.WrittenSpan);
            Assert.EndsWith("\n", text);
            Assert.Equal(1, text.Count(c => c == '\n'));

            Assert.NotNull(NotesRequest.Parse(body, 1024));

            var asText = Encoding.UTF8.GetString(line);
            OnlyChatFailures(() => ChatEnvelope.Parse(asText, 4096));
            OnlyChatFailures(() => ChatKeys.ReadPublicKey(asText.Length > 4 ? asText[4..] : asText));
        }, iter: 20_000);
    }

    /// <summary>Valid base64 of random DER-ish bytes, to get past the first check of the key reader.</summary>
    [Fact]
    public void The_key_reader_takes_any_base64_and_fails_only_with_err_crypto() =>
        Gen.Byte.Array[0, 700].Select(Convert.ToBase64String).Sample(base64 => OnlyChatFailures(() => ChatKeys.ReadPublicKey(base64)), iter: 20_000);

    [Fact]
    public void A_session_fed_garbage_answers_every_request_line_with_one_line_and_never_crashes()
    {
        // No letters, so that no line is a command with a reply of its own length (HELP) or an end (QUIT).
        var garbage = Gen.Byte.Where(b => b is < (byte)'A' or > (byte)'z').Array[0, 2000];
        garbage.Sample(bytes =>
        {
            var connection = CreateTestProbe();
            var info = new SessionInfo(1, new IPEndPoint(IPAddress.Loopback, 40000), TestSettings.Create("timeout=off"), SumService.Instance);
            var session = Sys.ActorOf(ActorSockets.Server.Sessions.TcpSessionActor.Props(info, connection.Ref));
            Watch(session);
            connection.ExpectMsg<Tcp.Register>();
            foreach (var chunk in bytes.Chunk(97))
                session.Tell(new Tcp.Received(ByteString.FromBytes(chunk)), connection.Ref);

            var expected = RequestLines(bytes);
            var replies = 0;
            while (replies < expected)
            {
                var write = connection.ExpectMsg<Tcp.Write>(TimeSpan.FromSeconds(3));
                replies += write.Data.ToArray().Count(b => b == (byte)'\n');
                session.Tell(write.Ack, connection.Ref);
            }
            Assert.Equal(expected, replies);
            connection.ExpectNoMsg(TimeSpan.FromMilliseconds(20));
            Sys.Stop(session);
            ExpectTerminated(session);
        }, iter: 60, threads: 1);
    }

    /// <summary>Complete, non-empty lines (a <c>\r</c> before the <c>\n</c> is dropped): each gets one reply line.</summary>
    private static int RequestLines(byte[] bytes)
    {
        var count = 0;
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n')
                continue;
            var length = i - start;
            if (length > 0 && bytes[i - 1] == (byte)'\r')
                length--;
            if (length > 0)
                count++;
            start = i + 1;
        }
        return count;
    }

    private static void OnlyChatFailures(Action read)
    {
        try
        {
            read();
        }
        catch (ChatCryptoException)
        {
            // Its own words: the line a client gets as ERR crypto.
        }
    }
}
