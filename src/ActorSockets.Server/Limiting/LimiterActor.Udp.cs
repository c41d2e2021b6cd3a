using ActorSockets.Server.Services;
using Akka.Actor;
using Akka.Event;
using static ActorSockets.Server.Sessions.SessionProtocol;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// The limiter's UDP half: over UDP one spoofable datagram opens a session, so at the cap a silent
/// session gives its place to a newcomer, and admissions and ends past a few a window are tallied
/// into one log line (docs/PROTOCOL-NOTES.md).
/// </summary>
public sealed partial class LimiterActor
{
    /// <summary>
    /// Ends the least recently active UDP session that never proved it receives at its address,
    /// without a word (a reply to a forged address is reflection). Its place passes straight to the
    /// newcomer, so in cluster mode the count keeps it.
    /// </summary>
    private void EvictSilentUdpSession()
    {
        if (_sessions.SilentUdpSession() is not { } evicted || _sessions.MarkEnded(evicted) is not { } record)
            return;
        evicted.Tell(Evict.Instance);
        OnEnded(record, SessionEndReason.Evicted, keepPlace: true);
    }

    /// <summary>
    /// Whether a UDP session's admission or end gets its own line: past the tally's lines in a window
    /// it is counted, and the counts are logged once when the window ends.
    /// </summary>
    private bool LogUdpEvent(string kind)
    {
        if (!Timers.IsTimerActive(UdpLogTimerKey))
            Timers.StartSingleTimer(UdpLogTimerKey, UdpLogTick.Instance, ServerTuning.UdpLogWindow);
        return _udpTally.ShouldLog(kind);
    }

    private void LogUdpTally()
    {
        if (_udpTally.TakeSummary() is { } summary)
            _log.Info("udp: {0} in the last {1} s ({2}/{3} clients)", summary, ServerTuning.UdpLogWindow.TotalSeconds, _figures.Clients, Limit);
    }

    private sealed class UdpLogTick { public static readonly UdpLogTick Instance = new(); }
}
