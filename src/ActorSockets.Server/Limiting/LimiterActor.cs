using System.Net;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Cluster;
using ActorSockets.Server.Diagnostics;
using ActorSockets.Server.Services;
using ActorSockets.Server.Sessions;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using static ActorSockets.Server.Limiting.LimiterProtocol;
using static ActorSockets.Server.Limiting.PictureProtocol;
using static ActorSockets.Server.Sessions.SessionProtocol;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// Admits or refuses clients and supervises their sessions (ARCHITECTURE.md): it spawns one session
/// per admitted client as its child, frees the place as soon as the session says its client is gone,
/// refuses with one line, answers STATS, and stops every session on shutdown. A failing session is
/// stopped, never restarted: its socket cannot be rebuilt, and its siblings go on untouched.
/// </summary>
/// <remarks>
/// Who gets a place is decided by plain objects: <see cref="LocalPlaces"/> on a single server (the
/// cap, a moment's wait for a place being freed, a silent UDP session's place), and in cluster mode
/// <see cref="ClusterPlaces"/>: a newcomer is admitted once the cluster's count
/// (<see cref="ClusterCountActor"/>) grants it a place, or, while the count cannot be reached, if
/// this node holds less than its even share of the limit (PROTOCOL.md section 7).
/// </remarks>
public sealed partial class LimiterActor : UntypedActor, IWithTimers
{
    private const string PlaceWaitTimerKey = "place-wait";
    private const string CountWaitTimerKey = "count-wait";
    private const string FiguresTimerKey = "cluster-figures";
    private const string UdpLogTimerKey = "udp-log";
    private const string TimeoutSweepTimerKey = "timeout-sweep";

    private readonly ActorSocketsSettings _settings;
    private readonly IService _service;
    private readonly ServerMetrics _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SessionTable _sessions = new();
    /// <summary>The sweep's list of sessions to ask, kept between sweeps so that a sweep allocates nothing.</summary>
    private readonly List<IActorRef> _timeoutChecksDue = [];
    private readonly LimiterFigures _figures;
    private readonly LocalPlaces _places;
    private readonly UdpTally _udpTally = new(ServerTuning.UdpLogLinesPerWindow);
    private readonly IActorRef? _clusterCount;
    /// <summary>Cluster mode: the admissions waiting for the cluster's count, and its figures.</summary>
    private ClusterPlaces? _cluster;
    private long _nextSessionId = 1;
    private IActorRef? _stopRequester;

    public LimiterActor(ActorSocketsSettings settings, IService service, ServerMetrics? metrics, IActorRef? clusterCount)
    {
        _settings = settings;
        _service = service;
        _metrics = metrics ?? ServerMetrics.Unregistered(settings);
        _figures = new LimiterFigures(_metrics);
        _places = new LocalPlaces(settings.ClientsLimit);
        _clusterCount = clusterCount;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="clusterCount">Cluster mode: the proxy of the cluster's count; null for a single server.</param>
    public static Props Props(ActorSocketsSettings settings, IService service, ServerMetrics? metrics = null, IActorRef? clusterCount = null) =>
        Akka.Actor.Props.Create(() => new LimiterActor(settings, service, metrics, clusterCount));

    private int Limit => _settings.ClientsLimit;
    private bool Stopping => _stopRequester is not null;
    private static long Now => Environment.TickCount64;

    protected override SupervisorStrategy SupervisorStrategy() => new SessionSupervision(session => new SessionTerminated(session));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Admission admission:
                Admit(admission);
                break;
            case PlaceWaitExpired:
                foreach (var overdue in _places.Waiting.TakeOverdue(Now))
                    Refuse(overdue);
                ArmPlaceWait();
                break;
            case UdpLogTick:
                LogUdpTally();
                break;
            case PictureRequested picture:
                picture.ReplyTo.Tell(new LimiterPicture(Stats(), _sessions.Count, _sessions.Newest(picture.MaxSessions)));
                break;
            case StatsRequested get:
                _figures.Served(get.UnreportedRequests);
                Sender.Tell(Stats());
                break;
            case StopAllSessions:
                StopAll();
                break;
            case Tcp.ConnectionClosed or Tcp.Received or Tcp.CommandFailed:
                // From connections refused (Admission.Refuse): this actor registered for them only to say ERR busy.
                break;
            default:
                if (!OnSessionEvent(message) && !OnClusterMessage(message))
                    Unhandled(message);
                break;
        }
    }

    private void Admit(Admission admit)
    {
        if (Stopping)
            Refuse(admit);
        else if (_cluster?.Reachable(Now) == true)
        {
            _cluster.Reserve(admit, Now);
            ArmCountWait();
        }
        else if (_cluster is not null)
            Act(admit, DecideOnShare(admit));
        else
            Act(admit, _places.Decide(admit, _figures.Clients, HasSilentUdpSession, Now));
    }

    private void Act(Admission admit, PlaceDecision decision)
    {
        switch (decision)
        {
            case PlaceDecision.Admit:
                Spawn(admit);
                break;
            case PlaceDecision.EvictSilentUdpSession:
                EvictSilentUdpSession();
                Spawn(admit);
                break;
            case PlaceDecision.Wait:
                ArmPlaceWait();
                break;
            default:
                Refuse(admit);
                break;
        }
    }

    private bool HasSilentUdpSession() => _sessions.SilentUdpSession() is not null;

    private void ArmPlaceWait() => Timers.ArmForEarliest(PlaceWaitTimerKey, PlaceWaitExpired.Instance, _places.Waiting, Now);

    /// <summary>STATS: this node's figures, or in cluster mode the cluster's (the others' as last reported) and the nodes up.</summary>
    private StatsSnapshot Stats() => _cluster is null ? _figures.Stats(Limit) : ClusterStats(_cluster);

    private void Spawn(Admission admit)
    {
        var id = _nextSessionId++;
        // Counted first: the session starts serving on another thread as soon as it exists.
        _figures.ClientAdmitted();
        var info = new SessionInfo(id, admit.Remote, _settings, _service, _metrics);
        var session = Context.ActorOf(admit.SessionProps(info), $"session-{id}");
        var udp = admit is AdmitUdpClient;
        // The session's idle clock starts when it does, after now: a first look a timeout from now is never late.
        var firstTimeoutCheck = _settings.Timeout.Duration is { } timeout ? Now + (long)timeout.TotalMilliseconds : long.MaxValue;
        _sessions.Add(session, new SessionRecord(id, admit.Remote, udp, Proven: false, Ended: false, Requests: 0, LastActivityMs: Now, info.Gauge, firstTimeoutCheck));
        ArmTimeoutSweep(firstTimeoutCheck);
        if (!udp || LogUdpEvent(UdpTally.Admitted))
            Log(LimiterEvent.Admitted, id, admit.Remote, null, $"session {id} admitted: {admit.Remote}");
        if (admit is AdmitUdpClient udpAdmit)
            udpAdmit.Listener.Tell(new UdpClientAdmitted(udpAdmit.Remote, session));
    }

    private void Refuse(Admission admit)
    {
        // Counted before the line goes out: the connection may write it on another thread at once, and
        // a client that has read ERR busy must find the refusal in the figures (STATS, the meter).
        _figures.ClientRefused();
        var reason = Stopping ? "server stopping" : "clients limit reached";
        Log(LimiterEvent.Refused, null, admit.Remote, reason, $"refused {admit.Remote}: {reason}");
        admit.Refuse(Stopping ? Replies.ByeShutdown : Replies.Busy(Limit), Self);
    }

    private void StopAll()
    {
        _stopRequester = Sender;
        _log.Info("server stopping: saying BYE to {0} client(s)", _figures.Clients);
        foreach (var waiting in _places.Waiting.TakeAll().Concat(_cluster?.TakeAll() ?? []))
            Refuse(waiting);
        foreach (var session in _sessions.Sessions)
            session.Tell(ServerStopping.Instance);
        ReplyIfAllStopped();
    }

    /// <summary>
    /// An INFO line with its kind and fields (<see cref="LimiterLogLine"/>), from this actor as its
    /// logger's would be: <paramref name="text"/>, then the clients holding a place and the limit.
    /// </summary>
    private void Log(LimiterEvent kind, long? session, EndPoint remote, string? reason, string text)
    {
        if (_log.IsInfoEnabled)
            Context.System.EventStream.Publish(new Info(Self.Path.ToString(), GetType(),
                new LimiterLogLine(kind, $"{text} ({_figures.Clients}/{Limit} clients)", session, remote.ToString() ?? "", reason, _figures.Clients, Limit)));
    }

    private void ReplyIfAllStopped()
    {
        if (_stopRequester is not null && _sessions.Count == 0)
            _stopRequester.Tell(Done.Instance);
    }

    /// <summary>A session's actor has stopped (<see cref="SessionSupervision"/>); it follows the session's own <see cref="SessionEnded"/> in the mailbox.</summary>
    private sealed record SessionTerminated(IActorRef Session);

    private sealed class PlaceWaitExpired { public static readonly PlaceWaitExpired Instance = new(); }

    private sealed class CountWaitExpired { public static readonly CountWaitExpired Instance = new(); }

    private sealed class ReportFigures { public static readonly ReportFigures Instance = new(); }
}
