using System.Net.Sockets;
using System.Text;

namespace ActorSockets.Bench;

/// <summary>What a hold run saw. Memory in KiB; null when no server process was named or readable.</summary>
internal sealed record HoldResult(
    string Target, int Requested, int Connected, int ConnectFailed, int Served, int WrongReplies,
    int ClosedByServer, int StillOpen, double HeldSeconds,
    long? ServerRssBeforeKiB, long? ServerRssHoldingKiB, double? ServerKiBPerConnection,
    string? FirstError);

/// <summary>
/// Opens many TCP connections (a bounded number of connects at a time), optionally proves each is
/// served with one request, holds them idle, then counts how many the server closed meanwhile.
/// The server's memory is read before and while holding, so the cost per connection is the difference.
/// </summary>
internal static class HoldRun
{
    private const int ConnectsAtOnce = 100;
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(10);

    public static async Task<HoldResult> RunAsync(HoldPlan plan, Action<string>? progress, CancellationToken cancel)
    {
        var before = plan.ServerPid is { } pid ? ProcessMemory.ResidentKiB(pid) : null;
        var sockets = new Socket?[plan.Connections];
        var served = 0;
        var wrong = 0;
        string? firstError = null;
        using var gate = new SemaphoreSlim(ConnectsAtOnce);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, plan.Connections).Select(async index =>
            {
                await gate.WaitAsync(cancel);
                try
                {
                    var (socket, outcome) = await OpenAsync(plan, cancel);
                    sockets[index] = socket;
                    if (outcome == Outcome.Served)
                        Interlocked.Increment(ref served);
                    if (outcome == Outcome.Wrong)
                        Interlocked.Increment(ref wrong);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException && !cancel.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref firstError, $"connect failed: {Describe(e)}", null);
                }
                finally
                {
                    gate.Release();
                }
            }));
            var connected = sockets.Count(s => s is not null);
            progress?.Invoke($"holding {connected} connections for {plan.HoldFor.TotalSeconds:0.#} s");
            await Task.Delay(plan.HoldFor, cancel);
            var holding = plan.ServerPid is { } heldPid ? ProcessMemory.ResidentKiB(heldPid) : null;
            var closed = sockets.Count(s => s is not null && ClosedByPeer(s));
            double? perConnection = before is { } b && holding is { } h && connected > 0 ? Math.Round((h - b) / (double)connected, 2) : null;
            return new HoldResult(plan.Target.ToString(), plan.Connections, connected, plan.Connections - connected,
                served, wrong, closed, connected - closed, plan.HoldFor.TotalSeconds, before, holding, perConnection, firstError);
        }
        finally
        {
            foreach (var socket in sockets)
                socket?.Dispose();
        }
    }

    private enum Outcome { Held, Served, Wrong }

    private static async Task<(Socket, Outcome)> OpenAsync(HoldPlan plan, CancellationToken cancel)
    {
        var socket = new Socket(plan.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            wait.CancelAfter(ConnectWait);
            await socket.ConnectAsync(plan.Target, wait.Token);
            if (plan.CheckRequest is null)
                return (socket, Outcome.Held);
            wait.CancelAfter(plan.ReplyWait);
            await socket.SendAsync(plan.CheckRequest, SocketFlags.None, wait.Token);
            var reply = await ReadLineAsync(socket, wait.Token);
            return (socket, reply.StartsWith(plan.ExpectPrefix, StringComparison.Ordinal) ? Outcome.Served : Outcome.Wrong);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> ReadLineAsync(Socket socket, CancellationToken cancel)
    {
        var line = new List<byte>();
        var buffer = new byte[256];
        while (line.Count < 4096)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel);
            if (read == 0)
                break;
            var end = Array.IndexOf(buffer, (byte)'\n', 0, read);
            line.AddRange(buffer.AsSpan(0, end < 0 ? read : end));
            if (end >= 0)
                break;
        }
        return Encoding.UTF8.GetString(line.ToArray()).TrimEnd('\r');
    }

    /// <summary>
    /// A connection the server closed reads as ready with nothing to read (or fails); one it keeps
    /// open and idle is not ready. Any bytes waiting (a <c>BYE</c>) also mean the server has spoken.
    /// </summary>
    private static bool ClosedByPeer(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead);
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static string Describe(Exception e) => e is SocketException s ? s.SocketErrorCode.ToString() : "no answer in 10 s";
}
