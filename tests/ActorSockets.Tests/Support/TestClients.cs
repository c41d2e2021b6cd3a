using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorSockets.Tests.Support;

/// <summary>A raw TCP client, as netcat would be: bytes out, lines and exact bytes back, every wait bounded.</summary>
internal sealed class TcpTestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _pending = new();

    private TcpTestClient(Socket socket) => _socket = socket;

    public static async Task<TcpTestClient> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(DefaultWait);
        await socket.ConnectAsync(server, timeout.Token);
        return new TcpTestClient(socket);
    }

    /// <summary>This client's own address and port, as the server sees it.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>One line with its <c>\n</c>, or null at end of stream.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        while (true)
        {
            var bytes = _pending.ToArray();
            var newline = Array.IndexOf(bytes, (byte)'\n');
            if (newline >= 0)
            {
                _pending.SetLength(0);
                _pending.Write(bytes, newline + 1, bytes.Length - newline - 1);
                return Encoding.UTF8.GetString(bytes, 0, newline + 1);
            }
            var n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
                return bytes.Length == 0 ? null : throw new InvalidOperationException($"stream ended inside a line: {Encoding.UTF8.GetString(bytes)}");
            _pending.Write(_buffer, 0, n);
        }
    }

    /// <summary>Sends a request and reads one reply line.</summary>
    public async Task<string?> AskAsync(string request, TimeSpan? wait = null)
    {
        await SendAsync(request + "\n");
        return await ReadLineAsync(wait);
    }

    /// <summary>Everything until the server closes (bounded in time).</summary>
    public async Task<string> ReadToEndAsync(TimeSpan? wait = null)
    {
        var text = new StringBuilder();
        while (await ReadLineAsync(wait) is { } line)
            text.Append(line);
        return text.ToString();
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A raw UDP client: one datagram out, one datagram back, every wait bounded.</summary>
internal sealed class UdpTestClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[65536];

    public UdpTestClient(IPEndPoint server)
    {
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(server);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] datagram) => await _socket.SendAsync(datagram, SocketFlags.None);

    /// <summary>The next datagram's text, or null when none comes in time.</summary>
    public async Task<string?> ReceiveAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(5));
        try
        {
            var n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token);
            return Encoding.UTF8.GetString(_buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Sends a request and returns the reply datagram; null when none came.</summary>
    public async Task<string?> AskAsync(string request, TimeSpan? wait = null)
    {
        await SendAsync(request);
        return await ReceiveAsync(wait);
    }

    /// <summary>
    /// Sends a tagged request until its reply comes (UDP may drop one under load), bounded in tries.
    /// Returns the reply without the tag.
    /// </summary>
    public async Task<string> AskReliablyAsync(string tag, string request, int tries = 5) =>
        (await AskReliablyRawAsync(tag, request, tries))[(tag.Length + 2)..];

    /// <summary>As <see cref="AskReliablyAsync"/>, but the datagram exactly as it came, every line tagged.</summary>
    public async Task<string> AskReliablyRawAsync(string tag, string request, int tries = 5)
    {
        for (var attempt = 0; attempt < tries; attempt++)
        {
            await SendAsync($"@{tag} {request}");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            while (DateTime.UtcNow < deadline && await ReceiveAsync(deadline - DateTime.UtcNow) is { } reply)
            {
                if (reply.StartsWith($"@{tag} ", StringComparison.Ordinal))
                    return reply;
            }
        }
        throw new TimeoutException($"no reply to @{tag} {request} after {tries} tries");
    }

    /// <summary>
    /// Proves this endpoint receives at its address, as our client does: reads its cookie from STATS
    /// and echoes it in a tag, so that it keeps its place against newcomers. Returns the cookie.
    /// </summary>
    public async Task<string> ProveAsync()
    {
        var stats = await AskReliablyAsync("proof", "STATS");
        var cookie = stats.Split(' ').Single(pair => pair.StartsWith("cookie=", StringComparison.Ordinal))["cookie=".Length..].TrimEnd('\n');
        Assert.Equal("PONG\n", await AskReliablyAsync(cookie + "-proof", "PING"));
        return cookie;
    }

    public void Dispose() => _socket.Dispose();
}
