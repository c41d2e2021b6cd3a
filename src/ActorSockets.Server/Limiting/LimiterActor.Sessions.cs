using ActorSockets.Server.Services;
using Akka.Actor;
using static ActorSockets.Server.Sessions.SessionProtocol;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// The limiter's sessions half: what they tell their parent (<see cref="Sessions.SessionProtocol.SessionEnded"/>, requests
/// served, proof of a UDP address), their actors' ends, and what a session's end frees.
/// </summary>
public sealed partial class LimiterActor
{
    /// <summary>What sessions tell their parent (<see cref="Sessions.SessionProtocol"/>), and their actors' ends.</summary>
    private bool OnSessionEvent(object message)
    {
        switch (message)
        {
            case SessionEnded ended when _sessions.MarkEnded(Sender) is { } record:
                OnEnded(record, ended.Reason);
                return true;
            case SessionEnded:
                return true; // said again, or after its eviction: counted once already
            case ClientProven:
                _sessions.MarkProven(Sender);
                return true;
            case RequestsServed served:
                _figures.Served(served.Count);
                _sessions.Served(Sender, served, Now);
                ArmTimeoutSweep(served.NextTimeoutCheckMs);
                return true;
            case NextTimeoutCheck next:
                _sessions.TimeoutCheckDue(Sender, next.DueMs);
                ArmTimeoutSweep(next.DueMs);
                return true;
            case TimeoutSweep:
                SweepTimeouts();
                return true;
            case SessionTerminated terminated:
                OnSessionTerminated(terminated.Session);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The idle timeouts of every session, in one timer (PROTOCOL.md section 2: dropped within a second
    /// after the timeout): a session is asked to look at its own clock only once the time it last
    /// gave has passed, so a busy session is never asked, and an idle one about once a timeout.
    /// A session holds no timer of its own while it waits (issue 21: memory per idle connection).
    /// </summary>
    private void SweepTimeouts()
    {
        if (_sessions.Count == 0)
        {
            Timers.Cancel(TimeoutSweepTimerKey); // restarted by the next admission: an idle server stays asleep
            return;
        }
        _sessions.TakeTimeoutChecksDue(Now, _timeoutChecksDue);
        foreach (var session in _timeoutChecksDue)
            session.Tell(CheckTimeouts.Instance);
        _timeoutChecksDue.Clear();
    }

    /// <summary>Sweeps while a session has a timeout that can run out (<paramref name="dueMs"/>: when it said to look).</summary>
    private void ArmTimeoutSweep(long dueMs)
    {
        if (dueMs != long.MaxValue && !Timers.IsTimerActive(TimeoutSweepTimerKey))
            Timers.StartPeriodicTimer(TimeoutSweepTimerKey, TimeoutSweep.Instance, ServerTuning.TimeoutSweepInterval);
    }

    private sealed class TimeoutSweep { public static readonly TimeoutSweep Instance = new(); }

    /// <summary>The client has gone (or is going): its place is free now, whatever its actor still has to do.</summary>
    private void OnEnded(SessionRecord record, SessionEndReason reason, bool keepPlace = false)
    {
        _figures.SessionEnded(reason);
        if (!keepPlace)
            _cluster?.Release();
        if (!record.Udp || LogUdpEvent(reason == SessionEndReason.Evicted ? UdpTally.Evicted : UdpTally.Ended))
        {
            var why = reason.Describe(_settings.Timeout.Text);
            Log(reason switch { SessionEndReason.Timeout => LimiterEvent.TimedOut, SessionEndReason.Crashed => LimiterEvent.Crashed, _ => LimiterEvent.Ended },
                record.Id, record.Remote, why, $"session {record.Id} {why}: {record.Remote}");
        }
        if (!Stopping)
        {
            foreach (var admit in _places.TakeAdmissible(_figures.Clients))
                Spawn(admit);
            ArmPlaceWait();
        }
    }

    private void OnSessionTerminated(IActorRef session)
    {
        if (_sessions.Remove(session) is not { } record)
            return;
        // A session says why it ends in its PostStop; one that stopped without a word failed before
        // that could run (its constructor threw) or in it.
        if (!record.Ended)
            OnEnded(record, SessionEndReason.Crashed);
        ReplyIfAllStopped();
    }
}
