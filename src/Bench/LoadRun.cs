using System.Diagnostics;
using ActorSockets.Protocol.Settings;
using HdrHistogram;

namespace ActorSockets.Bench;

/// <summary>What a load run measured. Latencies in microseconds.</summary>
internal sealed record LoadResult(
    string Target, string Transport, int Clients, int Pipeline, double Seconds,
    long Replies, double RequestsPerSecond, long Errors, long WrongReplies, long LostReplies,
    long P50, long P90, long P99, long P999, long Max, double Mean,
    string? FirstError, string? FirstWrongReply);

/// <summary>
/// Connects every client first, then starts them together and runs them for the duration, so that
/// connecting is not measured; reports progress while they run, and merges their tallies at the end.
/// </summary>
internal static class LoadRun
{
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(10);
    private const int ConnectsAtOnce = 100;

    /// <param name="progress">Called about twice a second with the replies so far and the time run.</param>
    public static async Task<LoadResult> RunAsync(LoadPlan plan, Action<long, TimeSpan>? progress, CancellationToken cancel)
    {
        var tallies = Enumerable.Range(0, plan.Clients).Select(_ => new ClientTally()).ToArray();
        var clients = tallies.Select(tally => plan.Transport == Transport.Tcp
            ? plan.ConnectPerRequest ? new ConnectPerRequestClient(plan, tally) : (ILoadClient)new TcpLoadClient(plan, tally)
            : new UdpLoadClient(plan, tally)).ToArray();
        try
        {
            await ConnectAllAsync(clients, cancel);
            var warming = Stopwatch.GetTimestamp();
            var started = warming + (long)(plan.Warmup.TotalSeconds * Stopwatch.Frequency);
            var stopAt = started + (long)(plan.Duration.TotalSeconds * Stopwatch.Frequency);
            foreach (var tally in tallies)
                tally.CountFrom = started;
            using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            giveUp.CancelAfter(plan.Warmup + plan.Duration + plan.ReplyWait);
            var running = Task.WhenAll(clients.Select(c => Task.Run(() => c.RunAsync(stopAt, giveUp.Token), CancellationToken.None)));
            while (!running.IsCompleted)
            {
                await Task.WhenAny(running, Task.Delay(500, CancellationToken.None));
                if (Stopwatch.GetTimestamp() >= started)
                    progress?.Invoke(tallies.Sum(t => t.Replies), Stopwatch.GetElapsedTime(started));
            }
            await running;
            var measured = Stopwatch.GetTimestamp() < started ? 0 : Stopwatch.GetElapsedTime(started).TotalSeconds;
            return Summarize(plan, tallies, Math.Min(plan.Duration.TotalSeconds, measured));
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    private static async Task ConnectAllAsync(ILoadClient[] clients, CancellationToken cancel)
    {
        using var gate = new SemaphoreSlim(ConnectsAtOnce);
        await Task.WhenAll(clients.Select(async client =>
        {
            await gate.WaitAsync(cancel);
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                wait.CancelAfter(ConnectWait);
                await client.ConnectAsync(wait.Token);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>A percentile, or 0 when nothing was recorded (HdrHistogram throws on an empty histogram).</summary>
    private static long At(LongHistogram latency, double percentile) =>
        latency.TotalCount == 0 ? 0 : latency.GetValueAtPercentile(percentile);

    private static LoadResult Summarize(LoadPlan plan, ClientTally[] tallies, double seconds)
    {
        var latency = new LongHistogram(60_000_000, 3);
        foreach (var tally in tallies)
            latency.Add(tally.Latency);
        var replies = tallies.Sum(t => t.Replies);
        seconds = Math.Round(seconds, 3);
        return new LoadResult(
            plan.Target.ToString(), ActorSocketsSettings.NameOf(plan.Transport), plan.Clients, plan.Pipeline, seconds,
            replies, seconds > 0 ? Math.Round(replies / seconds, 1) : 0,
            tallies.Sum(t => t.Errors), tallies.Sum(t => t.Wrong), tallies.Sum(t => t.Lost),
            At(latency, 50), At(latency, 90), At(latency, 99), At(latency, 99.9),
            latency.TotalCount == 0 ? 0 : latency.GetMaxValue(), latency.TotalCount == 0 ? 0 : Math.Round(latency.GetMean(), 1),
            tallies.Select(t => t.FirstError).FirstOrDefault(e => e is not null),
            tallies.Select(t => t.FirstWrongReply).FirstOrDefault(w => w is not null));
    }
}
