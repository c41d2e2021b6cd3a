using ActorSockets.Protocol;
using ActorSockets.Server.Services;
using Akka.Actor;
using Akka.Event;

namespace ActorSockets.Server.Sessions;

/// <summary>What only the transport can do for a session's requests: send, write, close.</summary>
public interface ISessionTransport
{
    /// <summary>One request is answered: UDP sends its datagram now; TCP gathers until the end of the read.</summary>
    void RequestAnswered();

    /// <summary>Hand what is gathered to the transport (and close once an ending session is written).</summary>
    void OutputReady();

    /// <summary>The session began to end (once).</summary>
    void Ending(SessionEndReason reason);

    /// <summary>Every waiting request is served and none is awaited.</summary>
    void CaughtUp();

    /// <summary>The last words of a session stopped by a crash or a forced shutdown, where the transport still allows them.</summary>
    void SayGoodbyeWhileStopping(string goodbye);
}

/// <summary>
/// What every session actor shares, composed into it (TCP and UDP alike): the
/// <see cref="RequestPipeline"/>, the timers it asks for, the events to the parent
/// (<see cref="SessionProtocol"/>), the messages every session handles, and the goodbye when the
/// actor stops without having ended. The transport's part comes through <see cref="ISessionTransport"/>.
/// </summary>
public sealed class SessionCore : ISessionEffects
{
    private const string ReportTimerKey = "report-requests";
    private const string ServiceTimeoutKey = "service-timeout";
    private const string IdleTimerKey = "idle-check";

    private readonly SessionInfo _info;
    private readonly IActorRef _parent;
    private readonly Func<ITimerScheduler> _timers;
    private readonly ILoggingAdapter _log;
    private readonly ISessionTransport _transport;

    /// <param name="self">The session actor: where answers from other actors are sent.</param>
    /// <param name="timers">The actor's timers (Akka gives them to the actor after its constructor).</param>
    public SessionCore(SessionInfo info, IActorRef self, IActorRef parent, Func<ITimerScheduler> timers, ILoggingAdapter log, ISessionTransport transport)
    {
        _info = info;
        _parent = parent;
        _timers = timers;
        _log = log;
        _transport = transport;
        Pipeline = new RequestPipeline(info, info.Service.Open(new ServiceContext(self, info.Id, info.Settings, info.Figures)), this);
    }

    public RequestPipeline Pipeline { get; }

    private ITimerScheduler Timers => _timers();

    /// <summary>Handles what every session handles; false for a message the transport must handle.</summary>
    public bool Handle(object message)
    {
        switch (message)
        {
            case IdleCheck:
                Pipeline.OnIdleCheck();
                return true;
            case SessionProtocol.ServerStopping:
                Pipeline.End(SessionEndReason.Shutdown, Replies.ByeShutdown);
                _transport.OutputReady();
                return true;
            case SessionProtocol.Evict:
                Pipeline.End(SessionEndReason.Evicted, null);
                _transport.OutputReady();
                return true;
            case SessionProtocol.StatsSnapshot stats:
                Pipeline.OnStats(stats);
                return true;
            case ReportRequestsTick:
                ReportRequests();
                return true;
            case ServiceTimeoutTick:
                if (Pipeline.OnServiceTimeout())
                    _log.Warning("session {0}: no answer from the service within {1}", _info.Id, ServerTuning.ServiceTimeout);
                return true;
            default:
                return Pipeline.OnServiceMessage(message);
        }
    }

    /// <summary>The actor stopped: the last count, the goodbye if it never ended on its own (a crash, a forced shutdown), and why, to the parent.</summary>
    public void Stopped(bool shuttingDown)
    {
        ReportRequests();
        if (Pipeline.EndReason is null)
        {
            Pipeline.MarkEnded(shuttingDown ? SessionEndReason.Shutdown : SessionEndReason.Crashed);
            _transport.SayGoodbyeWhileStopping(shuttingDown ? Replies.ByeShutdown : Replies.ByeCrashed);
        }
        _parent.Tell(new SessionProtocol.SessionEnded(Pipeline.EndReason!.Value));
    }

    /// <summary>Requests are reported to the parent in batches, at most once a second, not once each.</summary>
    private void ReportRequests()
    {
        var count = Pipeline.TakeUnreportedRequests();
        if (count > 0)
            _parent.Tell(new SessionProtocol.RequestsServed(count));
    }

    #region The pipeline's effects

    void ISessionEffects.AskStats(long unreportedRequests) => _parent.Tell(new SessionProtocol.StatsRequested(unreportedRequests));

    void ISessionEffects.RequestCounted()
    {
        if (!Timers.IsTimerActive(ReportTimerKey))
            Timers.StartSingleTimer(ReportTimerKey, ReportRequestsTick.Instance, ServerTuning.RequestReportInterval);
    }

    void ISessionEffects.StartServiceTimer() =>
        Timers.StartSingleTimer(ServiceTimeoutKey, ServiceTimeoutTick.Instance, ServerTuning.ServiceTimeout);

    void ISessionEffects.CancelServiceTimer() => Timers.Cancel(ServiceTimeoutKey);

    void ISessionEffects.ArmIdleCheck(TimeSpan delay)
    {
        if (!Timers.IsTimerActive(IdleTimerKey))
            Timers.StartSingleTimer(IdleTimerKey, IdleCheck.Instance, delay);
    }

    void ISessionEffects.CancelIdleCheck() => Timers.Cancel(IdleTimerKey);

    void ISessionEffects.RequestAnswered() => _transport.RequestAnswered();

    void ISessionEffects.OutputReady() => _transport.OutputReady();

    void ISessionEffects.Ending(SessionEndReason reason) => _transport.Ending(reason);

    void ISessionEffects.CaughtUp() => _transport.CaughtUp();

    #endregion

    #region Internal messages

    /// <summary>Time to look at the idle clock.</summary>
    private sealed class IdleCheck
    {
        public static readonly IdleCheck Instance = new();
        private IdleCheck() { }
    }

    private sealed class ServiceTimeoutTick
    {
        public static readonly ServiceTimeoutTick Instance = new();
        private ServiceTimeoutTick() { }
    }

    private sealed class ReportRequestsTick
    {
        public static readonly ReportRequestsTick Instance = new();
        private ReportRequestsTick() { }
    }

    #endregion
}
