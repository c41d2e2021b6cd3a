using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ActorSockets.Bench;

/// <summary>
/// One UDP load client on its own connected socket (so the server sees one remote endpoint per
/// client): sends <see cref="LoadPlan.Pipeline"/> datagrams, then takes replies until it has them all
/// or a reply-wait passes; replies that did not come by then are lost.
/// </summary>
internal sealed class UdpLoadClient : ILoadClient
{
    private readonly LoadPlan _plan;
    private readonly ClientTally _tally;
    private readonly Socket _socket;
    private readonly byte[] _expect;
    private readonly long[] _sentAt;

    public UdpLoadClient(LoadPlan plan, ClientTally tally)
    {
        _plan = plan;
        _tally = tally;
        _socket = new Socket(plan.Target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _expect = Encoding.UTF8.GetBytes(plan.ExpectPrefix);
        _sentAt = new long[plan.Pipeline];
    }

    public Task ConnectAsync(CancellationToken cancel) => _socket.ConnectAsync(_plan.Target, cancel).AsTask();

    /// <summary>Runs until <paramref name="stopAt"/>, a <see cref="Stopwatch"/> timestamp.</summary>
    public async Task RunAsync(long stopAt, CancellationToken giveUp)
    {
        var buffer = new byte[64 * 1024];
        var wait = new CancellationTokenSource();
        try
        {
            while (Stopwatch.GetTimestamp() < stopAt && !giveUp.IsCancellationRequested)
            {
                for (var i = 0; i < _sentAt.Length; i++)
                {
                    _sentAt[i] = Stopwatch.GetTimestamp();
                    await _socket.SendAsync(_plan.Request, SocketFlags.None, giveUp);
                }
                if (!wait.TryReset())
                {
                    wait.Dispose();
                    wait = new CancellationTokenSource();
                }
                wait.CancelAfter(_plan.ReplyWait);
                var received = 0;
                try
                {
                    for (; received < _sentAt.Length; received++)
                    {
                        var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
                        _tally.Reply(_sentAt[received]);
                        if (!buffer.AsSpan(0, length).StartsWith(_expect))
                            _tally.WrongReply(Encoding.UTF8.GetString(buffer, 0, Math.Min(length, 80)).TrimEnd());
                    }
                }
                catch (OperationCanceledException) when (!giveUp.IsCancellationRequested)
                {
                    _tally.LostReplies(_sentAt.Length - received);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run ended while a datagram was being sent: nothing was owed yet
        }
        catch (SocketException e)
        {
            // on a connected UDP socket, an ICMP "port unreachable" shows here: no server there
            _tally.Error($"the socket failed: {e.SocketErrorCode}");
        }
        finally
        {
            wait.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
