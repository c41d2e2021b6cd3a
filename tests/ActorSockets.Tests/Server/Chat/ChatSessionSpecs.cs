using ActorSockets.Protocol;
using System.Net;
using ActorSockets.Protocol.Chat;
using ActorSockets.Server.Chat;
using ActorSockets.Server.Sessions;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;

namespace ActorSockets.Tests.Server.Chat;

/// <summary>The chat state machine inside a TCP session, with probes as the connection and the operator.</summary>
public class ChatSessionSpecs(ITestOutputHelper output) : TestKit("akka.loglevel = INFO", output)
{
    private sealed record Chat(TcpSessionHarness Harness, TestProbe Operator)
    {
        public TestProbe Connection => Harness.Connection;
        public IActorRef Session => Harness.Session;

        public long ClientSeq { get; set; } = 1;
        public long ServerSeq { get; set; } = 1;
    }

    /// <summary>The RSA workers, on the default dispatcher here (the server gives them their own).</summary>
    private IActorRef Crypto => _crypto ??= Sys.ActorOf(ChatCryptoScheduler.Props(1, TimeSpan.FromSeconds(5), Akka.Dispatch.Dispatchers.DefaultDispatcherId));
    private IActorRef? _crypto;

    private Chat Start(params string[] sets)
    {
        var settings = TestSettings.Create(["service=chat", "timeout=off", .. sets]);
        var chatOperator = CreateTestProbe();
        var info = new SessionInfo(3, new IPEndPoint(IPAddress.Loopback, 40000), settings, new ChatService(TestKeys.Server, chatOperator.Ref, Crypto));
        var harness = TcpSessionHarness.Start(this, connection => TcpSessionActor.Props(info, connection), CreateTestProbe());
        if (settings.Timeout.Duration is not null)
            harness.SweepTimeouts(); // the limiter's part of the timeout
        var chat = new Chat(harness, chatOperator);
        Assert.Equal($"HELLO chat/1 {TestKeys.Server.PublicBase64}\n", Written(chat));
        return chat;
    }

    private static void Send(Chat chat, string line) => chat.Harness.Send(line + "\n");

    private static string Written(Chat chat, TimeSpan? within = null) => chat.Harness.ExpectWriteAndAck(within);

    private Chat Ready(params string[] sets)
    {
        var chat = Start(sets);
        Send(chat, $"KEY {TestKeys.Client.PublicBase64}");
        Assert.Equal("READY\n", Written(chat));
        return chat;
    }

    private static void ClientSays(Chat chat, string text) =>
        Send(chat, ChatEnvelope.Seal(text, chat.ClientSeq++, ChatDirection.ClientToServer, TestKeys.Server.Public, TestKeys.Client.Private).ToLine());

    private static string OpenServerMessage(Chat chat, string line) =>
        ChatEnvelope.Open(ChatEnvelope.Parse(line.TrimEnd('\n')), chat.ServerSeq++, ChatDirection.ServerToClient,
            TestKeys.Server.Public, TestKeys.Client.Private, 4096);

    private static void ExpectClosed(Chat chat) => chat.Harness.ExpectClosedAndStop();

    [Fact]
    public void A_handshake_the_crypto_work_cannot_do_in_time_hears_err_busy_and_the_session_closes()
    {
        // A bound shorter than one job: no handshake can be done in time.
        _crypto = Sys.ActorOf(ChatCryptoScheduler.Props(1, TimeSpan.FromMilliseconds(1), Akka.Dispatch.Dispatchers.DefaultDispatcherId));
        var chat = Start();
        Send(chat, $"KEY {TestKeys.Client.PublicBase64}");
        Assert.Equal(Replies.ChatBusy + "\n", Written(chat));
        ExpectClosed(chat);
    }

    [Fact]
    public void Chat_should_take_turns_and_refuse_a_message_out_of_turn_without_closing()
    {
        var chat = Ready();
        ClientSays(chat, "hello server");
        var said = chat.Operator.ExpectMsg<ChatProtocol.ClientSaid>();
        Assert.Equal((3L, "hello server"), (said.SessionId, said.Text));
        chat.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        ClientSays(chat, "me again");
        chat.ClientSeq--; // refused out of turn: it uses up no seq
        Assert.Equal("ERR turn: wait for the server's reply\n", Written(chat));
        chat.Operator.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        chat.Session.Tell(new ChatProtocol.ServerSays("hello client"));
        Assert.Equal("hello client", OpenServerMessage(chat, Written(chat)));

        ClientSays(chat, "second");
        Assert.Equal("second", chat.Operator.ExpectMsg<ChatProtocol.ClientSaid>().Text);
    }

    [Fact]
    public void Chat_should_end_when_the_client_says_good_bye()
    {
        var chat = Ready();
        ClientSays(chat, "  good bye ");
        Assert.Equal("  good bye ", chat.Operator.ExpectMsg<ChatProtocol.ClientLeft>().Text);
        Assert.Equal("BYE goodbye: client said Good Bye\n", Written(chat));
        ExpectClosed(chat);
    }

    [Fact]
    public void Chat_should_end_when_the_server_says_good_bye()
    {
        var chat = Ready();
        ClientSays(chat, "hi");
        chat.Operator.ExpectMsg<ChatProtocol.ClientSaid>();
        chat.Session.Tell(new ChatProtocol.ServerSays("Good Bye"));
        var lines = Written(chat).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Good Bye", OpenServerMessage(chat, lines[0]));
        Assert.Equal("BYE goodbye: server said Good Bye", lines[1]);
        ExpectClosed(chat);
    }

    [Fact]
    public void Chat_should_run_the_idle_timer_only_on_the_clients_turn()
    {
        var chat = Ready("timeout=400ms");
        ClientSays(chat, "thinking time for the server");
        chat.Operator.ExpectMsg<ChatProtocol.ClientSaid>();
        chat.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(1200)); // the server's turn: no timeout
        chat.Session.Tell(new ChatProtocol.ServerSays("done"));
        OpenServerMessage(chat, Written(chat));
        Assert.Equal("BYE timeout: idle for 400ms\n", Written(chat, TimeSpan.FromSeconds(3)));
        ExpectClosed(chat);
    }

    [Fact]
    public void Chat_should_time_out_during_the_handshake_too()
    {
        var chat = Start("timeout=300ms");
        Assert.Equal("BYE timeout: idle for 300ms\n", Written(chat, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Chat_should_answer_common_commands_before_ready_and_refuse_anything_else()
    {
        var chat = Start();
        Send(chat, "PING");
        Assert.Equal("PONG\n", Written(chat));
        Send(chat, "@t PING"); // chat takes no tags
        Assert.Equal("ERR crypto: expected KEY\n", Written(chat));
        ExpectClosed(chat);
    }

    [Theory]
    [InlineData("KEY not-base64!", "ERR crypto: key is not base64")]
    [InlineData("KEY AAAA", "ERR crypto: key is not a DER SubjectPublicKeyInfo")]
    public void Chat_should_refuse_a_bad_client_key_and_close(string line, string error)
    {
        var chat = Start();
        Send(chat, line);
        Assert.Equal(error + "\n", Written(chat));
        ExpectClosed(chat);
    }

    [Fact]
    public void Chat_should_refuse_a_client_key_under_2048_bits()
    {
        var chat = Start();
        using var small = System.Security.Cryptography.RSA.Create(1024);
        Send(chat, "KEY " + Convert.ToBase64String(small.ExportSubjectPublicKeyInfo()));
        Assert.Equal("ERR crypto: key has 1024 bits, under 2048\n", Written(chat));
        ExpectClosed(chat);
    }

    [Fact]
    public void Chat_should_refuse_a_replayed_message_and_close()
    {
        var chat = Ready();
        var first = ChatEnvelope.Seal("once", 1, ChatDirection.ClientToServer, TestKeys.Server.Public, TestKeys.Client.Private).ToLine();
        Send(chat, first);
        chat.Operator.ExpectMsg<ChatProtocol.ClientSaid>();
        chat.Session.Tell(new ChatProtocol.ServerSays("ok"));
        Written(chat);
        Send(chat, first); // replayed
        Assert.Equal("ERR crypto: wrong seq 1, expected 2\n", Written(chat));
        ExpectClosed(chat);
    }

    [Fact]
    public void Chat_should_refuse_a_tampered_message_and_close()
    {
        var chat = Ready();
        var fields = ChatEnvelope.Seal("x", 1, ChatDirection.ClientToServer, TestKeys.Server.Public, TestKeys.Client.Private).ToLine().Split(' ');
        var ciphertext = Convert.FromBase64String(fields[4]);
        ciphertext[0] ^= 1;
        fields[4] = Convert.ToBase64String(ciphertext);
        Send(chat, string.Join(' ', fields));
        Assert.Equal("ERR crypto: bad signature\n", Written(chat));
        ExpectClosed(chat);
    }

    [Fact]
    public void Chat_should_answer_at_once_with_the_echo_responder_and_say_nothing_but_bye_to_good_bye()
    {
        var settings = TestSettings.Create("service=chat", "timeout=off", "chat.responder=echo");
        var info = new SessionInfo(1, new IPEndPoint(IPAddress.Loopback, 40000), settings, new ChatService(TestKeys.Server, null, Crypto));
        var chat = new Chat(TcpSessionHarness.Start(this, connection => TcpSessionActor.Props(info, connection), CreateTestProbe()), CreateTestProbe());
        Written(chat);
        Send(chat, $"KEY {TestKeys.Client.PublicBase64}");
        Assert.Equal("READY\n", Written(chat));
        ClientSays(chat, "ping me");
        Assert.Equal("echo: ping me", OpenServerMessage(chat, Written(chat)));
        ClientSays(chat, "Good Bye");
        Assert.Equal("BYE goodbye: client said Good Bye\n", Written(chat));
    }

    [Fact]
    public void The_echo_is_cut_to_the_limit_at_a_character_boundary() =>
        Assert.Equal("echo: żó", ChatSession.CutToBytes("echo: żółw", 10));
}
