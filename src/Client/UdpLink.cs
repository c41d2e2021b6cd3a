using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorSockets.Protocol;

namespace ActorSockets.Client;

/// <summary>
/// The client's UDP conversation; <see cref="ServerLink.Incoming"/> holds whole datagrams. Each request carries a fresh tag (<c>@c1</c>, <c>@c2</c>, …); the
/// client waits for a reply with that tag, sends the same request again when none comes in time,
/// and gives up after the last try. Replies to earlier tries are recognised by their tag and dropped.
/// </summary>
internal sealed class UdpLink : ServerLink
{
    private readonly Socket _socket;
    private readonly TimeSpan _wait;
    private readonly int _tries;
    private readonly Task _receiving;
    private readonly CancellationTokenSource _stop = new();
    private readonly RequestTags _tags = new();
    private bool _proven;
    private SocketException? _receiveError;

    public UdpLink(IPEndPoint server, TimeSpan wait, int tries)
    {
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Connected, so only the server's datagrams arrive and a closed port reports "refused".
        _socket.Connect(server);
        _wait = wait;
        _tries = tries;
        Description = $"udp at {server}";
        _receiving = Task.Run(ReceiveLoop);
    }

    public override string Description { get; }

    public override bool PagesReplies => true;

    /// <remarks><paramref name="wait"/> is not used: over UDP each try waits its own time. (Chat, the one user of a longer wait, is TCP only.)</remarks>
    public override async Task<IReadOnlyList<string>> RequestAsync(string request, TimeSpan? wait, CancellationToken cancel)
    {
        if (!_proven)
        {
            _proven = true;
            await ProveAsync(cancel);
        }
        return await AskAsync(request, cancel);
    }

    /// <summary>
    /// Asks STATS once, before the first request, for this endpoint's cookie, and tags every request
    /// after it with the cookie first: the server then knows this client reads at its address, and
    /// no newcomer (nor a forger) takes its place. A server without cookies leaves the tags as they were.
    /// </summary>
    private async Task ProveAsync(CancellationToken cancel)
    {
        var stats = await AskAsync("STATS", cancel);
        var cookie = stats.Count == 0 ? null : stats[0].Split(' ').FirstOrDefault(pair => pair.StartsWith("cookie=", StringComparison.Ordinal));
        if (cookie is not null)
            _tags.StartWithCookie(cookie["cookie=".Length..]);
    }

    private async Task<IReadOnlyList<string>> AskAsync(string request, CancellationToken cancel)
    {
        var tag = _tags.Next(); // long enough to be a board-wide key: a retried POST is stored once
        var datagram = Encoding.UTF8.GetBytes($"@{tag} {request}");
        for (var attempt = 1; attempt <= _tries; attempt++)
        {
            await SendAsync(datagram, cancel);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(_wait);
            try
            {
                return await ReadReplyAsync(tag, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                // No reply to this try: send again.
            }
        }
        throw new ClientFailure(ExitCodes.NoReply,
            $"no reply from {Description} after {_tries} tries of {_wait.TotalSeconds:0.#}s each");
    }

    /// <summary>The reply is the first datagram whose lines carry the request's tag (all of its lines).</summary>
    private async Task<IReadOnlyList<string>> ReadReplyAsync(string tag, CancellationToken cancel)
    {
        while (true)
        {
            if (!await Incoming.Reader.WaitToReadAsync(cancel) || !Incoming.Reader.TryRead(out var datagram))
                throw _receiveError is { } e
                    ? new ClientFailure(ExitCodes.CannotConnect, $"cannot reach {Description}: {TcpLink.Describe(e)}")
                    : ClientFailure.Closed();
            var lines = datagram.Split('\n').Select(ReplyCollector.SplitTag).ToList();
            var (lineTag, first) = lines[0];
            if (lineTag.Length == 0 && ClientFailure.From(first) is { } failure)
                throw failure;
            // ERR too-long and ERR utf8 cannot carry the tag of a request the server could not read;
            // with one request in flight, an untagged ERR is its answer.
            var untaggedError = lineTag.Length == 0 && first.StartsWith("ERR ", StringComparison.Ordinal);
            if (lineTag != tag && !untaggedError)
                continue; // a late reply to an earlier try
            if (first == Replies.RateLimited)
                continue; // the server's budget for our network is spent: this try is lost, the next one waits
            if (ClientFailure.From(first) is { } tagged)
                throw tagged;
            return lines.Select(l => l.Line).ToList();
        }
    }

    public override async Task LeaveAsync() => await SendAsync(Encoding.UTF8.GetBytes("QUIT"), CancellationToken.None);

    private async Task SendAsync(byte[] datagram, CancellationToken cancel)
    {
        try
        {
            await _socket.SendAsync(datagram, SocketFlags.None, cancel);
        }
        catch (SocketException e)
        {
            throw new ClientFailure(ExitCodes.CannotConnect, $"cannot reach {Description}: {TcpLink.Describe(e)}");
        }
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                // One datagram is one reply: its lines stay together (a page and its MORE line).
                var text = Encoding.UTF8.GetString(buffer, 0, n).TrimEnd('\n');
                if (text.Length > 0)
                    Incoming.Writer.TryWrite(text);
            }
        }
        catch (SocketException e)
        {
            _receiveError = e;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Disposed: the conversation is over.
        }
        Incoming.Writer.TryComplete();
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _receiving;
        _stop.Dispose();
    }
}
