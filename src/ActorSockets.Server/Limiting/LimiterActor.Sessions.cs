using ActorSockets.Server.Services;
using Akka.Actor;
using static ActorSockets.Server.Sessions.SessionProtocol;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// The limiter's sessions half: what they tell their parent (<see cref="Sessions.SessionProtocol.SessionEnded"/>, requests
/// served, proof of a UDP address), DeathWatch of them, and what a session's end frees.
/// </summary>
public sealed partial class LimiterActor
{
    /// <summary>What sessions tell their parent (<see cref="Sessions.SessionProtocol"/>), and DeathWatch of them.</summary>
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
                _sessions.Served(Sender, served.Count, Now);
                return true;
            case SessionTerminated terminated:
                OnSessionTerminated(terminated.Session);
                return true;
            default:
                return false;
        }
    }

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
        // A session always says why it ends before it stops; this is the fallback should it not.
        if (!record.Ended)
            OnEnded(record, SessionEndReason.ConnectionLost);
        ReplyIfAllStopped();
    }
}
