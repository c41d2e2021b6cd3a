using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Requests;

namespace ActorSockets.Client;

/// <summary>
/// The client's TCP connection: one request at a time, replies read in order. Given other servers
/// too (<c>--fallback</c>, the other nodes of a cluster), it connects to the first that answers, and
/// a <c>POST</c> whose connection is lost, or that the server cannot store, is sent again, with the
/// same tag, through the next.
/// </summary>
internal sealed class TcpLink : ServerLink
{
    private readonly IReadOnlyList<IPEndPoint> _servers;
    private readonly TimeSpan _wait;
    private readonly RequestTags _tags = new();
    private int _current;
    private Socket _socket;
    private NetworkStream _stream;
    private Task _receiving;

    private TcpLink(IReadOnlyList<IPEndPoint> servers, int current, Socket socket, TimeSpan wait)
    {
        _servers = servers;
        _current = current;
        _wait = wait;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _receiving = StartReceiving();
    }

    private Task StartReceiving()
    {
        var (stream, incoming) = (_stream, Incoming);
        return Task.Run(() => ReceiveLoop(stream, incoming));
    }

    public override string Description => $"tcp at {_servers[_current]}";

    public override bool PagesReplies => false;

    public static Task<TcpLink> ConnectAsync(IPEndPoint server, TimeSpan wait, CancellationToken cancel) => ConnectAsync([server], wait, cancel);

    /// <summary>Connects to the first of <paramref name="servers"/> that answers, in order.</summary>
    public static async Task<TcpLink> ConnectAsync(IReadOnlyList<IPEndPoint> servers, TimeSpan wait, CancellationToken cancel)
    {
        var (index, socket) = await ConnectFirstAsync(servers, 0, wait, cancel);
        return new TcpLink(servers, index, socket, wait);
    }

    /// <summary>Tries the servers from <paramref name="start"/> on, round the list once; the first failure's words if none answers.</summary>
    private static async Task<(int Index, Socket Socket)> ConnectFirstAsync(IReadOnlyList<IPEndPoint> servers, int start, TimeSpan wait, CancellationToken cancel)
    {
        ClientFailure? first = null;
        for (var i = 0; i < servers.Count; i++)
        {
            var index = (start + i) % servers.Count;
            var server = servers[index];
            var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(wait);
                await socket.ConnectAsync(server, timeout.Token);
                return (index, socket);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancel.IsCancellationRequested)
            {
                socket.Dispose();
                var why = e is SocketException s ? Describe(s) : $"no answer within {wait.TotalSeconds:0.#}s";
                first ??= new ClientFailure(ExitCodes.CannotConnect, $"cannot connect to {server} over tcp: {why}");
            }
        }
        throw first!;
    }

    public override async Task<IReadOnlyList<string>> RequestAsync(string request, TimeSpan? wait, CancellationToken cancel)
    {
        // A POST goes with a board-wide idempotency key, so that no retry, ours or a person's, stores it twice.
        var tag = Request.StartsWithWord(Encoding.UTF8.GetBytes(request), "POST"u8, out _) ? _tags.Next() : null;
        for (var attempt = 1; ; attempt++)
        {
            var last = tag is null || attempt >= StorageRetries + _servers.Count - 1;
            IReadOnlyList<string> reply;
            try
            {
                reply = await SendAndReadAsync(request, tag, wait ?? _wait, cancel);
            }
            catch (ClientFailure lost) when (!last && _servers.Count > 1 && lost.ExitCode is ExitCodes.ServerClosed or ExitCodes.NoReply)
            {
                await FailOverAsync(cancel); // the node went away with the POST: the next one takes it, same tag
                continue;
            }
            // While a cluster's store moves to another node, POST gets ERR storage: store unavailable,
            // retry (PROTOCOL.md section 7). The same tag makes sending it again safe.
            if (last || !reply[0].StartsWith(StorageError, StringComparison.Ordinal))
                return reply;
            await Task.Delay(StorageRetryPause, cancel);
        }
    }

    /// <summary>Leaves the current server and connects to the next that answers.</summary>
    private async Task FailOverAsync(CancellationToken cancel)
    {
        _socket.Dispose();
        await _receiving;
        await _stream.DisposeAsync();
        ReplaceIncoming();
        (_current, _socket) = await ConnectFirstAsync(_servers, _current + 1, _wait, cancel);
        _stream = new NetworkStream(_socket, ownsSocket: false);
        _receiving = StartReceiving();
    }

    /// <summary>Sends a POST that got <c>ERR storage</c> this many times in all.</summary>
    private const int StorageRetries = 3;
    private const string StorageError = "ERR storage:";
    private static readonly TimeSpan StorageRetryPause = TimeSpan.FromSeconds(1);

    private async Task<IReadOnlyList<string>> SendAndReadAsync(string request, string? tag, TimeSpan replyWait, CancellationToken cancel)
    {
        try
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes((tag is null ? "" : $"@{tag} ") + request + "\n"), cancel);
        }
        catch (IOException)
        {
            // The server may have closed with a reason (ERR busy, BYE timeout) already waiting to be read.
        }
        var reply = new ReplyCollector(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(replyWait);
        try
        {
            while (true)
            {
                if (!await Incoming.Reader.WaitToReadAsync(timeout.Token) || !Incoming.Reader.TryRead(out var line))
                    throw ClientFailure.Closed();
                var text = tag is not null ? ReplyCollector.SplitTag(line).Line : line;
                if (ClientFailure.From(text) is { } failure)
                    throw failure;
                if (reply.Add(text))
                    return reply.Lines;
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new ClientFailure(ExitCodes.NoReply, $"no reply from {Description} within {replyWait.TotalSeconds:0.#}s");
        }
    }

    public override Task LeaveAsync()
    {
        _socket.Shutdown(SocketShutdown.Send);
        return Task.CompletedTask;
    }

    private static async Task ReceiveLoop(NetworkStream stream, System.Threading.Channels.Channel<string> incoming)
    {
        try
        {
            using var reader = new StreamReader(stream, new UTF8Encoding(false), false, 8192, leaveOpen: true);
            while (await reader.ReadLineAsync() is { } line)
                incoming.Writer.TryWrite(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // A reset ends the conversation like a close does; the reader sees the channel complete.
        }
        incoming.Writer.TryComplete();
    }

    public override async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _receiving;
        await _stream.DisposeAsync();
    }

    internal static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (is the server running, on that port and transport?)",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "unreachable",
        SocketError.AddressNotAvailable => "address not available on this machine",
        _ => e.Message,
    };
}
