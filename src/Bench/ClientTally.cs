using System.Diagnostics;
using HdrHistogram;

namespace ActorSockets.Bench;

/// <summary>
/// What one load client counted. Each client owns its tally alone (no locks on the hot path);
/// the progress line only reads <see cref="Replies"/>, and the totals are merged at the end.
/// </summary>
internal sealed class ClientTally
{
    /// <summary>Latencies are recorded in microseconds, up to a minute.</summary>
    private const long HighestMicroseconds = 60_000_000;

    public LongHistogram Latency { get; } = new(HighestMicroseconds, 3);
    private long _replies;
    public long Replies => Volatile.Read(ref _replies);
    public long Wrong { get; private set; }
    public long Lost { get; private set; }
    public long Errors { get; private set; }
    public string? FirstError { get; private set; }
    public string? FirstWrongReply { get; private set; }

    /// <summary>A <see cref="Stopwatch"/> timestamp: replies before it are warm-up, served but not counted.</summary>
    public long CountFrom { get; set; }

    /// <summary>A reply came to the request sent at <paramref name="sentTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Reply(long sentTimestamp)
    {
        var now = Stopwatch.GetTimestamp();
        if (now < CountFrom)
            return;
        var micros = Stopwatch.GetElapsedTime(sentTimestamp, now).Ticks / (TimeSpan.TicksPerMillisecond / 1000);
        Latency.RecordValue(Math.Clamp(micros, 1, HighestMicroseconds));
        Volatile.Write(ref _replies, _replies + 1);
    }

    /// <summary>The reply just counted did not start as expected.</summary>
    public void WrongReply(string shown)
    {
        if (Stopwatch.GetTimestamp() < CountFrom)
            return;
        Wrong++;
        FirstWrongReply ??= shown;
    }

    public void LostReplies(int count) => Lost += count;

    public void Error(string what)
    {
        Errors++;
        FirstError ??= what;
    }
}
