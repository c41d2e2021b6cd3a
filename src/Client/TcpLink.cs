using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Requests;

namespace ActorSockets.Client;

/// <summary>The client's TCP connection: one request at a time, replies read in order.</summary>
internal sealed class TcpLink : ServerLink
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly TimeSpan _wait;
    private readonly Task _receiving;
    private readonly RequestTags _tags = new();

    private TcpLink(Socket socket, IPEndPoint server, TimeSpan wait)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _wait = wait;
        Description = $"tcp at {server}";
        _receiving = Task.Run(ReceiveLoop);
    }

    public override string Description { get; }

    public override bool PagesReplies => false;

    public static async Task<TcpLink> ConnectAsync(IPEndPoint server, TimeSpan wait, CancellationToken cancel)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(wait);
            await socket.ConnectAsync(server, timeout.Token);
            return new TcpLink(socket, server, wait);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            var why = e is SocketException s ? Describe(s) : $"no answer within {wait.TotalSeconds:0.#}s";
            throw new ClientFailure(ExitCodes.CannotConnect, $"cannot connect to {server} over tcp: {why}");
        }
    }

    public override async Task<IReadOnlyList<string>> RequestAsync(string request, TimeSpan? wait, CancellationToken cancel)
    {
        // A POST goes with a board-wide idempotency key, so that no retry, ours or a person's, stores it twice.
        var tag = Request.StartsWithWord(Encoding.UTF8.GetBytes(request), "POST"u8, out _) ? _tags.Next() : null;
        for (var attempt = 1; ; attempt++)
        {
            var reply = await SendAndReadAsync(request, tag, wait ?? _wait, cancel);
            // While a cluster's store moves to another node, POST gets ERR storage: store unavailable,
            // retry (PROTOCOL.md section 7). The same tag makes sending it again safe.
            if (tag is null || attempt == StorageRetries || !reply[0].StartsWith(StorageError, StringComparison.Ordinal))
                return reply;
            await Task.Delay(StorageRetryPause, cancel);
        }
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

    private async Task ReceiveLoop()
    {
        try
        {
            using var reader = new StreamReader(_stream, new UTF8Encoding(false), false, 8192, leaveOpen: true);
            while (await reader.ReadLineAsync() is { } line)
                Incoming.Writer.TryWrite(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // A reset ends the conversation like a close does; the reader sees the channel complete.
        }
        Incoming.Writer.TryComplete();
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
