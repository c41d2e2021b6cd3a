using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ActorSockets.Bench;

/// <summary>
/// One TCP load client: keeps <see cref="LoadPlan.Pipeline"/> requests in flight on one connection
/// (1: strict request, reply, request…), times each reply against its own request, and tops the
/// window up after each read in one write, as a pipelining client does.
/// </summary>
internal sealed class TcpLoadClient : ILoadClient
{
    private readonly LoadPlan _plan;
    private readonly ClientTally _tally;
    private readonly Socket _socket;
    private readonly ReplyMatcher _matcher;
    private readonly byte[] _window;           // the request, Pipeline times over: any top-up is one slice
    private readonly long[] _sentAt;           // send timestamps of the requests in flight, a ring
    private readonly Action<bool> _onReply;
    private int _oldest;
    private int _inFlight;

    public TcpLoadClient(LoadPlan plan, ClientTally tally)
    {
        _plan = plan;
        _tally = tally;
        _socket = new Socket(plan.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _matcher = new ReplyMatcher(Encoding.UTF8.GetBytes(plan.ExpectPrefix));
        _window = Enumerable.Repeat(plan.Request, plan.Pipeline).SelectMany(r => r).ToArray();
        _sentAt = new long[plan.Pipeline];
        _onReply = OnReply;
    }

    public async Task ConnectAsync(CancellationToken cancel) => await _socket.ConnectAsync(_plan.Target, cancel);

    /// <summary>
    /// Runs until <paramref name="stopAt"/> (a <see cref="Stopwatch"/> timestamp); replies to requests
    /// still in flight then are not counted. <paramref name="giveUp"/> fires a reply-wait after that,
    /// so a client whose reply never comes ends with an error rather than hanging.
    /// </summary>
    public async Task RunAsync(long stopAt, CancellationToken giveUp)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            await TopUpAsync(giveUp);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, giveUp);
                if (read == 0)
                {
                    _tally.Error("the server closed the connection");
                    return;
                }
                _matcher.Feed(buffer.AsSpan(0, read), _onReply);
                if (Stopwatch.GetTimestamp() < stopAt)
                    await TopUpAsync(giveUp);
            }
        }
        catch (OperationCanceledException)
        {
            _tally.Error("no reply before the run ended");
        }
        catch (SocketException e)
        {
            _tally.Error($"connection failed: {e.SocketErrorCode}");
        }
    }

    private void OnReply(bool expected)
    {
        if (_inFlight == 0)
        {
            _tally.Error("a reply came that no request asked for");
            return;
        }
        _tally.Reply(_sentAt[_oldest]);
        if (!expected)
            _tally.WrongReply(_matcher.LastLine());
        _oldest = (_oldest + 1) % _sentAt.Length;
        _inFlight--;
    }

    private async ValueTask TopUpAsync(CancellationToken cancel)
    {
        var count = _plan.Pipeline - _inFlight;
        if (count == 0)
            return;
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
            _sentAt[(_oldest + _inFlight + i) % _sentAt.Length] = now;
        _inFlight += count;
        var bytes = _window.AsMemory(0, count * _plan.Request.Length);
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancel);
            bytes = bytes[sent..];
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
