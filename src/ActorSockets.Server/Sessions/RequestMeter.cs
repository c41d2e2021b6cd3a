using System.Diagnostics;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// A session's counting of its requests: the meter's figures (requests, their duration), the batch
/// not yet reported to the limiter (it hears of them at most once a second), and the gauge the live
/// view reads. Plain state of one session.
/// </summary>
public sealed class RequestMeter(SessionInfo info)
{
    /// <summary>When the request being served arrived (a <see cref="Stopwatch"/> timestamp), for its duration.</summary>
    private long _servingSince;

    /// <summary>Requests counted and not yet reported to the limiter.</summary>
    public long Unreported { get; private set; }

    public void Counted()
    {
        _servingSince = Stopwatch.GetTimestamp();
        info.Figures.RequestCounted();
        Unreported++;
    }

    public void Answered() => info.Figures.RequestAnswered(_servingSince);

    /// <summary>The requests counted since the last call: reported to the parent in batches.</summary>
    public long TakeUnreported()
    {
        var count = Unreported;
        Unreported = 0;
        return count;
    }

    /// <summary>The session waits for another actor's answer: shown by the live view.</summary>
    public void AwaitingService(bool awaiting) => info.Gauge.AwaitingService = awaiting;
}
