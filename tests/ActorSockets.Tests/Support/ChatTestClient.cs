using System.Net;
using ActorSockets.Protocol.Chat;
using Org.BouncyCastle.Crypto.Parameters;

namespace ActorSockets.Tests.Support;

/// <summary>A chat client for tests, on the protocol's envelope and a raw socket: handshake, say, hear.</summary>
internal sealed class ChatTestClient : IAsyncDisposable
{
    private readonly TcpTestClient _tcp;
    private long _serverSeq = 1;

    private ChatTestClient(TcpTestClient tcp, RsaKeyParameters serverKey, string serverKeyBase64)
    {
        _tcp = tcp;
        ServerKey = serverKey;
        ServerKeyBase64 = serverKeyBase64;
    }

    public RsaKeyParameters ServerKey { get; }
    public string ServerKeyBase64 { get; }
    public long NextSeq { get; set; } = 1;
    public TcpTestClient Raw => _tcp;

    /// <summary>Connects, reads HELLO, sends KEY, expects READY.</summary>
    public static async Task<ChatTestClient> ConnectAsync(IPEndPoint server)
    {
        var tcp = await TcpTestClient.ConnectAsync(server);
        var hello = (await tcp.ReadLineAsync())!.TrimEnd('\n').Split(' ');
        Assert.Equal(["HELLO", "chat/1"], hello[..2]);
        var client = new ChatTestClient(tcp, ChatKeys.ReadPublicKey(hello[2]), hello[2]);
        Assert.Equal("READY\n", await tcp.AskAsync($"KEY {TestKeys.Client.PublicBase64}"));
        return client;
    }

    public string Seal(string text, long seq) =>
        ChatEnvelope.Seal(text, seq, ChatDirection.ClientToServer, ServerKey, TestKeys.Client.Private).ToLine();

    public Task SayAsync(string text) => _tcp.SendAsync(Seal(text, NextSeq++) + "\n");

    /// <summary>The next line, opened when it is a MSG; other lines (ERR, BYE) as they came.</summary>
    public async Task<string> HearAsync(TimeSpan? wait = null)
    {
        var line = (await _tcp.ReadLineAsync(wait))?.TrimEnd('\n') ?? throw new InvalidOperationException("closed");
        return line.StartsWith("MSG ", StringComparison.Ordinal)
            ? ChatEnvelope.Open(ChatEnvelope.Parse(line), _serverSeq++, ChatDirection.ServerToClient, ServerKey, TestKeys.Client.Private, 4096)
            : line;
    }

    public ValueTask DisposeAsync() => _tcp.DisposeAsync();
}
