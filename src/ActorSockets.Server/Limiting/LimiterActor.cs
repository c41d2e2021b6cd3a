using ActorSockets.Server.Cluster;
using ActorSockets.Server.Diagnostics;
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
using static ActorSockets.Server.Sessions.SessionProtocol;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// Admits or refuses clients and supervises their sessions (ARCHITECTURE.md): it holds the count
/// and the cap, spawns one session per admitted client as its child, frees the place as soon as the
/// session says its client is gone, and is the single source of the STATS figures. A failing session
/// is stopped, never restarted: its socket cannot be rebuilt, and its siblings go on untouched.
/// </summary>
/// <remarks>
/// A place is never refused while one is only about to be freed: under churn, the close of a
/// connection reaches this actor a few messages after the next client's arrival, so a newcomer over
/// the cap waits a moment (<see cref="ServerTuning.PlaceWait"/>) for a place before it is refused. Over UDP, where
/// one spoofable datagram opens a session, a newcomer over the cap takes the place of the longest-idle
/// session that has sent one datagram and nothing since (docs/PROTOCOL-NOTES.md).
/// In cluster mode the cap is the cluster's: a newcomer is admitted once the cluster's count
/// (<see cref="Cluster.ClusterCountActor"/>) grants it a place, or, while the count cannot be reached,
/// if this node holds less than its even share of the limit (PROTOCOL.md section 7).
/// </remarks>
public sealed class LimiterActor : UntypedActor, IWithTimers
{
    private const string PlaceWaitTimerKey = "place-wait";
    private const string CountWaitTimerKey = "count-wait";
    private const string FiguresTimerKey = "cluster-figures";
    private const string UdpLogTimerKey = "udp-log";

    private readonly ActorSocketsSettings _settings;
    private readonly IService _service;
    private readonly ServerMetrics _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    /// <summary>Every session actor still alive, including those whose client has gone.</summary>
    private readonly Dictionary<IActorRef, SessionRecord> _sessions = [];
    private readonly UdpTally _udpTally = new(ServerTuning.UdpLogLinesPerWindow);
    /// <summary>Newcomers over the cap, waiting a moment for a place: admission requests with their deadline.</summary>
    private readonly DeadlineQueue<Admission> _waitingForPlace = new();
    /// <summary>Clients holding a place: admitted, not yet gone.</summary>
    private int _clients;
    private long _nextSessionId = 1;
    private long _admitted, _refused, _timeouts, _crashes, _requests;
    private IActorRef? _stopRequester;
    private readonly IActorRef? _clusterCount;
    /// <summary>Cluster mode: the admissions waiting for the cluster's count, and its figures.</summary>
    private ClusterPlaces? _cluster;

    public LimiterActor(ActorSocketsSettings settings, IService service, ServerMetrics? metrics, IActorRef? clusterCount)
    {
        _settings = settings;
        _service = service;
        _metrics = metrics ?? ServerMetrics.Unregistered(settings);
        _clusterCount = clusterCount;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="clusterCount">Cluster mode: the proxy of the cluster's count; null for a single server.</param>
    public static Props Props(ActorSocketsSettings settings, IService service, ServerMetrics? metrics = null, IActorRef? clusterCount = null) =>
        Akka.Actor.Props.Create(() => new LimiterActor(settings, service, metrics, clusterCount));

    protected override void PreStart()
    {
        if (_clusterCount is null)
            return;
        _cluster = new ClusterPlaces(_clusterCount, Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString(), Self);
        _cluster.Report(MyTotals());
        Timers.StartPeriodicTimer(FiguresTimerKey, ReportFigures.Instance, ServerTuning.ClusterFiguresInterval);
    }

    private int Limit => _settings.ClientsLimit;
    private bool Stopping => _stopRequester is not null;
    private bool Full => _clients >= Limit;

    protected override SupervisorStrategy SupervisorStrategy() =>
        // Stop, never restart; the default decider logs the exception with its stack trace.
        new OneForOneStrategy(_ => Directive.Stop);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Admission admission:
                Admit(admission);
                break;
            case SessionEnded ended when _sessions.TryGetValue(Sender, out var record):
                ClientGone(Sender, record, ended.Reason);
                break;
            case SessionProtocol.ClientProven when _sessions.TryGetValue(Sender, out var record):
                _sessions[Sender] = record with { Proven = true };
                break;
            case UdpLogTick:
                LogUdpTally();
                break;
            case SessionTerminated terminated:
                OnSessionTerminated(terminated.Session);
                break;
            case PlaceWaitExpired:
                RefuseOverdue();
                break;
            case RequestsServed served:
                _requests += served.Count;
                if (_sessions.TryGetValue(Sender, out var serving))
                    _sessions[Sender] = serving with { Requests = serving.Requests + served.Count, LastActivityMs = Environment.TickCount64 };
                break;
            case LiveView.LiveViewProtocol.PictureRequested picture:
                picture.ReplyTo.Tell(Picture());
                break;
            case StatsRequested get:
                _requests += get.UnreportedRequests;
                Sender.Tell(Stats());
                break;
            case ClusterCountProtocol.PlaceReserved reserved:
                OnCountAnswer(reserved.Reservation, Spawn, granted: true);
                break;
            case ClusterCountProtocol.PlaceDenied denied:
                OnCountAnswer(denied.Reservation, OverLimit, granted: false);
                break;
            case ClusterCountProtocol.CountNotReady notReady:
                OnCountAnswer(notReady.Reservation, AdmitOnShare, granted: false);
                break;
            case CountWaitExpired when _cluster is not null:
                foreach (var admit in _cluster.TakeOverdue(Environment.TickCount64))
                    AdmitOnShare(admit);
                ArmCountWait();
                break;
            case ReportFigures when _cluster is not null:
                _cluster.Report(MyTotals());
                break;
            case ClusterCountProtocol.ClusterFigures figures when _cluster is not null:
                _cluster.Heard(figures, Environment.TickCount64);
                break;
            case StopAllSessions:
                _stopRequester = Sender;
                _log.Info("server stopping: saying BYE to {0} client(s)", _clients);
                while (_waitingForPlace.TryTakeFirst(out var waiting))
                    Refuse(waiting);
                foreach (var waiting in _cluster?.TakeAll() ?? [])
                    Refuse(waiting);
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

    private void Admit(Admission admit)
    {
        if (Stopping)
            Refuse(admit);
        else if (_cluster?.Reachable(Environment.TickCount64) == true)
            ReserveInCluster(admit);
        else if (_cluster is not null)
            AdmitOnShare(admit);
        else if (!Full || (admit is AdmitUdpClient && EvictSilentUdpSession()))
            Spawn(admit);
        else if (_waitingForPlace.Count < ServerTuning.MaxWaitingForPlace)
            WaitForPlace(admit);
        else
            Refuse(admit);
    }

    private void ReserveInCluster(Admission admit)
    {
        _cluster!.Reserve(admit, Environment.TickCount64);
        ArmCountWait();
    }

    /// <summary>The count answered a reservation: decide the admission, or give back a place granted too late.</summary>
    private void OnCountAnswer(long reservation, Action<Admission> decide, bool granted)
    {
        var admit = _cluster?.Answered(reservation, Environment.TickCount64);
        if (admit is null)
        {
            if (granted)
                _cluster?.Release();
            return;
        }
        if (Stopping)
        {
            Refuse(admit);
            if (granted)
                _cluster!.Release();
            return;
        }
        decide(admit);
    }

    /// <summary>Without the cluster's count: this node admits up to its even share of the limit (PROTOCOL.md section 7).</summary>
    private void AdmitOnShare(Admission admit)
    {
        var share = Math.Max(1, Limit / Math.Max(1, NodesUp()));
        if (_clients < share)
            Spawn(admit);
        else
            OverLimit(admit);
    }

    /// <summary>No place in the cluster: over UDP a silent session may give up its place (it stays this node's), else refused.</summary>
    private void OverLimit(Admission admit)
    {
        if (admit is AdmitUdpClient && EvictSilentUdpSession(keepPlace: true))
            Spawn(admit);
        else
            Refuse(admit);
    }

    private void ArmCountWait()
    {
        if (_cluster is not null)
            Timers.ArmForEarliest(CountWaitTimerKey, CountWaitExpired.Instance, _cluster.Waiting, Environment.TickCount64);
    }

    private int NodesUp() => Akka.Cluster.Cluster.Get(Context.System).State.Members.Count(member => member.Status == Akka.Cluster.MemberStatus.Up);

    /// <summary>This node's figures; <paramref name="clients"/> as the caller counts them.</summary>
    private ClusterCountProtocol.NodeTotals Totals(int clients) => new(clients, _admitted, _refused, _timeouts, _crashes, _requests);

    /// <summary>What this node reports to the cluster's count: its clients and the places it is still asking for.</summary>
    private ClusterCountProtocol.NodeTotals MyTotals() => Totals(_clients + (_cluster?.Waiting.Count ?? 0));

    /// <summary>STATS: this node's figures, or in cluster mode the cluster's (the others' as last reported) and the nodes up.</summary>
    private StatsSnapshot Stats()
    {
        if (_cluster is null)
            return new StatsSnapshot(_clients, Limit, _admitted, _refused, _timeouts, _crashes, _requests);
        var all = _cluster.Others().Plus(Totals(_clients));
        return new StatsSnapshot(all.Clients, Limit, all.Admitted, all.Refused, all.Timeouts, all.Crashes, all.Requests, NodesUp());
    }

    /// <summary>For the live view: the STATS figures and the newest sessions (the view draws a few; thousands are counted).</summary>
    private LiveView.LiveViewProtocol.LimiterPicture Picture()
    {
        var recent = _sessions.Values.OrderByDescending(record => record.Id).Take(LiveView.LiveViewRenderer.SessionLines)
            .Select(record => new LiveView.LiveViewProtocol.SessionLine(record.Id, record.Remote.ToString() ?? "", record.Gone, record.Requests,
                record.LastActivityMs, record.Gauge.AwaitingService))
            .ToList();
        return new LiveView.LiveViewProtocol.LimiterPicture(Stats(), _sessions.Count, recent);
    }

    private void WaitForPlace(Admission admit)
    {
        var now = Environment.TickCount64;
        _waitingForPlace.Add(admit, now + (long)ServerTuning.PlaceWait.TotalMilliseconds);
        ArmPlaceWait(now);
    }

    private void RefuseOverdue()
    {
        var now = Environment.TickCount64;
        foreach (var admit in _waitingForPlace.TakeOverdue(now))
            Refuse(admit);
        ArmPlaceWait(now);
    }

    private void AdmitWaiting()
    {
        while (!Full && !Stopping && _waitingForPlace.TryTakeFirst(out var admit))
            Spawn(admit);
        ArmPlaceWait(Environment.TickCount64);
    }

    private void ArmPlaceWait(long nowMs) => Timers.ArmForEarliest(PlaceWaitTimerKey, PlaceWaitExpired.Instance, _waitingForPlace, nowMs);

    /// <summary>
    /// Over UDP at the cap: ends the least recently active session whose endpoint has not proven that
    /// it receives at its address (<see cref="UdpCookie"/>: a forged source never can), without a word
    /// (a reply to a forged address is reflection). Proven endpoints keep their places.
    /// </summary>
    private bool EvictSilentUdpSession(bool keepPlace = false)
    {
        KeyValuePair<IActorRef, SessionRecord>? oldest = null;
        foreach (var entry in _sessions)
        {
            if (entry.Value is { Udp: true, Proven: false, Gone: false }
                && (oldest is null || entry.Value.LastActivityMs < oldest.Value.Value.LastActivityMs
                    || (entry.Value.LastActivityMs == oldest.Value.Value.LastActivityMs && entry.Value.Id < oldest.Value.Value.Id)))
                oldest = entry;
        }
        if (oldest is not { } evicted)
            return false;
        evicted.Key.Tell(SessionProtocol.Evict.Instance);
        ClientGone(evicted.Key, evicted.Value, SessionEndReason.Evicted, keepPlace);
        return true;
    }

    private void Spawn(Admission admit)
    {
        var id = _nextSessionId++;
        var remote = admit.Remote;
        var udp = admit is AdmitUdpClient;
        // Counted first: the session starts serving on another thread as soon as it exists.
        _clients++;
        _admitted++;
        _metrics.ClientAdmitted();
        var info = Info(id, remote);
        var props = admit switch
        {
            AdmitUdpClient datagrams => UdpSessionActor.Props(info, datagrams.Socket),
            AdmitTcpClient connection => TcpSessionActor.Props(info, connection.Connection),
            _ => throw new ArgumentException($"not an admission this limiter knows: {admit}", nameof(admit)),
        };
        var session = Context.ActorOf(props, $"session-{id}");
        Context.WatchWith(session, new SessionTerminated(session));
        _sessions[session] = new SessionRecord(id, remote, udp, Proven: false, Gone: false, Requests: 0, LastActivityMs: Environment.TickCount64, info.Gauge);
        if (!udp || LogUdpEvent(UdpTally.Admitted))
            _log.Info("session {0} admitted: {1} ({2}/{3} clients)", id, remote, _clients, Limit);
        if (admit is AdmitUdpClient udpAdmit)
            udpAdmit.Listener.Tell(new UdpClientAdmitted(remote, session));
    }

    private SessionInfo Info(long id, EndPoint remote) => new(id, remote, _settings, _service, _metrics);

    private void Refuse(Admission admit)
    {
        // Counted before the line goes out: the connection may write it on another thread at once, and
        // a client that has read ERR busy must find the refusal in the figures (STATS, the meter).
        switch (admit)
        {
            case AdmitTcpClient tcp:
                LogRefusal(tcp.Remote);
                // Register before writing: closing an unregistered Akka.IO connection crashes it and the
                // client would see a reset instead of the reason. Kept open on the peer's half-close,
                // so that a client that sends and half-closes at once (nc -N) still reads the line.
                tcp.Connection.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: true));
                tcp.Connection.Tell(Tcp.Write.Create(ByteString.FromString(RefusalLine() + "\n")));
                tcp.Connection.Tell(Tcp.Close.Instance);
                break;
            case AdmitUdpClient udp:
                LogRefusal(udp.Remote);
                udp.Listener.Tell(new UdpClientRefused(udp.Remote, RefusalLine()));
                break;
        }
    }

    private void LogRefusal(EndPoint remote)
    {
        _refused++;
        _metrics.ClientRefused();
        _log.Info(Stopping
            ? "refused {0}: server stopping ({1}/{2} clients)"
            : "refused {0}: clients limit reached ({1}/{2} clients)", remote, _clients, Limit);
    }

    private string RefusalLine() => Stopping ? Replies.ByeShutdown : Replies.Busy(Limit);

    /// <summary>The client has gone (or is going): its place is free now, whatever its actor still has to do.</summary>
    /// <param name="keepPlace">Cluster mode: the place passes straight to a newcomer, so the cluster's count keeps it.</param>
    private void ClientGone(IActorRef session, SessionRecord record, SessionEndReason reason, bool keepPlace = false)
    {
        if (record.Gone)
            return;
        _sessions[session] = record with { Gone = true };
        _clients--;
        if (!keepPlace)
            _cluster?.Release();
        _metrics.ClientGone();
        switch (reason)
        {
            case SessionEndReason.Timeout:
                _timeouts++;
                _metrics.SessionTimedOut();
                break;
            case SessionEndReason.Crashed:
                _crashes++;
                _metrics.SessionCrashed();
                break;
        }
        if (!record.Udp || LogUdpEvent(reason == SessionEndReason.Evicted ? UdpTally.Evicted : UdpTally.Ended))
            _log.Info("session {0} {1}: {2} ({3}/{4} clients)", record.Id, Describe(reason), record.Remote, _clients, Limit);
        AdmitWaiting();
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
            _log.Info("udp: {0} in the last {1} s ({2}/{3} clients)", summary, ServerTuning.UdpLogWindow.TotalSeconds, _clients, Limit);
    }

    private void OnSessionTerminated(IActorRef session)
    {
        if (!_sessions.Remove(session, out var record))
            return;
        // A session always says why it ends before it stops; this is the fallback should it not.
        ClientGone(session, record, SessionEndReason.ConnectionLost);
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
        SessionEndReason.Evicted => "evicted: its place went to a newcomer (one datagram and nothing since)",
        SessionEndReason.OperatorGone => "closed: the chat operator's input is gone",
        _ => reason.ToString(),
    };

    private void ReplyIfAllStopped()
    {
        if (_stopRequester is not null && _sessions.Count == 0)
            _stopRequester.Tell(Done.Instance);
    }

    #region Internal messages

    /// <param name="Proven">UDP: the endpoint echoed its cookie (<see cref="UdpCookie"/>): it receives at its address.</param>
    /// <param name="Gone">The client has left; the actor may still be finishing.</param>
    /// <param name="Requests">Requests the session has reported (it reports at most once a second), for the live view.</param>
    /// <param name="LastActivityMs">When it last reported requests, or was admitted: the live view's idle clock, to the second.</param>
    /// <param name="Gauge">What the session says of itself without a message (waiting for its service), for the live view.</param>
    private sealed record SessionRecord(long Id, EndPoint Remote, bool Udp, bool Proven, bool Gone, long Requests, long LastActivityMs, SessionGauge Gauge);

    /// <summary>Sent by DeathWatch after the session's own <see cref="SessionEnded"/>, which it follows in the mailbox.</summary>
    private sealed record SessionTerminated(IActorRef Session);

    private sealed class UdpLogTick
    {
        public static readonly UdpLogTick Instance = new();
        private UdpLogTick() { }
    }

    private sealed class PlaceWaitExpired
    {
        public static readonly PlaceWaitExpired Instance = new();
        private PlaceWaitExpired() { }
    }

    private sealed class CountWaitExpired
    {
        public static readonly CountWaitExpired Instance = new();
        private CountWaitExpired() { }
    }

    private sealed class ReportFigures
    {
        public static readonly ReportFigures Instance = new();
        private ReportFigures() { }
    }

    #endregion
}
