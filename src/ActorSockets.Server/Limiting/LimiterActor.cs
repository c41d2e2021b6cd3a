using System.Net;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Services;
using ActorSockets.Server.Sessions;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using static ActorSockets.Server.Limiting.LimiterProtocol;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// Admits or refuses clients and supervises their sessions (ARCHITECTURE.md): it holds the count
/// and the cap, spawns one session per admitted client as its child, frees the place when the
/// child terminates (DeathWatch, so each place is freed exactly once), and is the single source of
/// the STATS figures. A failing session is stopped, never restarted: its socket cannot be rebuilt,
/// and its siblings go on untouched.
/// </summary>
public sealed class LimiterActor : UntypedActor
{
    private readonly ActorSocketsSettings _settings;
    private readonly IService _service;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IActorRef, SessionRecord> _sessions = [];
    private long _nextSessionId = 1;
    private long _admitted, _refused, _timeouts, _crashes, _requests;
    private IActorRef? _stopRequester;

    public LimiterActor(ActorSocketsSettings settings, IService service)
    {
        _settings = settings;
        _service = service;
    }

    public static Props Props(ActorSocketsSettings settings, IService service) =>
        Akka.Actor.Props.Create(() => new LimiterActor(settings, service));

    private int Limit => _settings.ClientsLimit;
    private bool Stopping => _stopRequester is not null;

    protected override SupervisorStrategy SupervisorStrategy() =>
        // Stop, never restart; the default decider logs the exception with its stack trace.
        new OneForOneStrategy(_ => Directive.Stop);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case AdmitTcpClient admit:
                AdmitTcp(admit);
                break;
            case AdmitUdpClient admit:
                AdmitUdp(admit);
                break;
            case SessionEnded ended when _sessions.TryGetValue(Sender, out var record):
                _sessions[Sender] = record with { Reason = ended.Reason };
                break;
            case SessionTerminated terminated:
                OnSessionTerminated(terminated.Session);
                break;
            case RequestsServed served:
                _requests += served.Count;
                break;
            case GetStats get:
                _requests += get.UnreportedRequests;
                Sender.Tell(new StatsSnapshot(_sessions.Count, Limit, _admitted, _refused, _timeouts, _crashes, _requests));
                break;
            case StopAllSessions:
                _stopRequester = Sender;
                _log.Info("server stopping: saying BYE to {0} client(s)", _sessions.Count);
                foreach (var session in _sessions.Keys)
                    session.Tell(SessionProtocol.ServerStopping.Instance);
                ReplyIfAllStopped();
                break;
            case Tcp.ConnectionClosed or Tcp.Received or Tcp.CommandFailed:
                // From connections refused above: this actor registered for them only to say ERR busy.
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void AdmitTcp(AdmitTcpClient admit)
    {
        if (Stopping || _sessions.Count >= Limit)
        {
            // Register before writing: closing an unregistered Akka.IO connection crashes it and the
            // client would see a reset instead of the reason.
            admit.Connection.Tell(new Tcp.Register(Self));
            admit.Connection.Tell(Tcp.Write.Create(ByteString.FromString(RefusalLine() + "\n")));
            admit.Connection.Tell(Tcp.Close.Instance);
            Refuse(admit.Remote);
            return;
        }
        Spawn(admit.Remote, info => TcpSessionActor.Props(info, admit.Connection));
    }

    private void AdmitUdp(AdmitUdpClient admit)
    {
        if (Stopping || _sessions.Count >= Limit)
        {
            Sender.Tell(new UdpClientRefused(admit.Remote, Limit));
            Refuse(admit.Remote);
            return;
        }
        var session = Spawn(admit.Remote, info => UdpSessionActor.Props(info, admit.Socket));
        Sender.Tell(new UdpClientAdmitted(admit.Remote, session));
    }

    private IActorRef Spawn(EndPoint remote, Func<SessionInfo, Props> props)
    {
        var id = _nextSessionId++;
        var session = Context.ActorOf(props(new SessionInfo(id, remote, _settings, _service)), $"session-{id}");
        Context.WatchWith(session, new SessionTerminated(session));
        _sessions[session] = new SessionRecord(id, remote, null);
        _admitted++;
        _log.Info("session {0} admitted: {1} ({2}/{3} clients)", id, remote, _sessions.Count, Limit);
        return session;
    }

    private void Refuse(EndPoint remote)
    {
        _refused++;
        _log.Info(Stopping
            ? "refused {0}: server stopping ({1}/{2} clients)"
            : "refused {0}: clients limit reached ({1}/{2} clients)", remote, _sessions.Count, Limit);
    }

    private string RefusalLine() => Stopping ? Replies.ByeShutdown : Replies.Busy(Limit);

    private void OnSessionTerminated(IActorRef session)
    {
        if (!_sessions.Remove(session, out var record))
            return;
        var reason = record.Reason ?? SessionEndReason.ConnectionLost;
        switch (reason)
        {
            case SessionEndReason.Timeout:
                _timeouts++;
                break;
            case SessionEndReason.Crashed:
                _crashes++;
                break;
        }
        _log.Info("session {0} {1}: {2} ({3}/{4} clients)", record.Id, Describe(reason), record.Remote, _sessions.Count, Limit);
        ReplyIfAllStopped();
    }

    private string Describe(SessionEndReason reason) => reason switch
    {
        SessionEndReason.Timeout => $"timed out after {_settings.Timeout.Text} idle",
        SessionEndReason.Crashed => "crashed and was stopped",
        SessionEndReason.Quit => "closed: client quit",
        SessionEndReason.PeerClosed => "closed: client closed its side",
        SessionEndReason.ConnectionLost => "closed: connection lost",
        SessionEndReason.LineTooLong => "closed: line too long",
        SessionEndReason.Shutdown => "closed: server stopping",
        SessionEndReason.ServiceFailed => "closed: the service stopped answering mid-reply",
        SessionEndReason.Goodbye => "closed: Good Bye",
        SessionEndReason.CryptoFailed => "closed: a chat check failed (ERR crypto)",
        _ => reason.ToString(),
    };

    private void ReplyIfAllStopped()
    {
        if (_stopRequester is not null && _sessions.Count == 0)
            _stopRequester.Tell(Done.Instance);
    }

    #region Internal messages

    private sealed record SessionRecord(long Id, EndPoint Remote, SessionEndReason? Reason);

    /// <summary>Sent by DeathWatch after the session's own <see cref="SessionEnded"/>, which it follows in the mailbox.</summary>
    private sealed record SessionTerminated(IActorRef Session);

    #endregion
}
