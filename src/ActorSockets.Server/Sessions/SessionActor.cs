using ActorSockets.Protocol;
using ActorSockets.Server.Services;
using Akka.Actor;
using Akka.Event;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// What every session actor is, TCP and UDP alike: the <see cref="RequestPipeline"/> of its client's
/// requests, the events to its parent (<see cref="SessionProtocol"/>),
/// the messages every session handles, and the goodbye when the actor stops without having ended.
/// A session holds no timer for its timeouts, the idle one and the service's answer alike: its parent
/// looks at them when the session said they could run out (<see cref="SessionProtocol.CheckTimeouts"/>).
/// A transport adds how bytes come in and go out (<see cref="TcpSessionActor"/>,
/// <see cref="UdpSessionActor"/>). The pipeline reaches its actor through one interface,
/// <see cref="ISessionEffects"/>, part of it answered here and part by the transport.
/// </summary>
/// <remarks>
/// Its few timed messages (the report of requests served, the transport's grace before it cuts off a
/// client) are scheduled tells held only while they are pending, not Akka's <see cref="IWithTimers"/>,
/// whose timer table is 232 bytes a session for as long as the session lives (issue 21: memory per idle connection).
/// </remarks>
public abstract class SessionActor : UntypedActor, ISessionEffects
{
    private ILoggingAdapter? _log;
    /// <summary>The <see cref="ReportRequestsTick"/> on its way, if one is.</summary>
    private ICancelable? _reportTick;
    /// <summary>The time of the next look at the timeouts the parent last heard from this session.</summary>
    private long _toldTimeoutCheckMs = long.MaxValue;

    protected SessionActor(SessionInfo info)
    {
        Info = info;
        Pipeline = new RequestPipeline(info, info.Service.Open(new ServiceContext(Self, info.Id, info.Settings, info.Figures)), this);
    }

    protected SessionInfo Info { get; }

    protected RequestPipeline Pipeline { get; }

    /// <summary>Made on first use: most sessions never log, and a logger is a few hundred bytes a session.</summary>
    protected ILoggingAdapter Log => _log ??= Context.GetLogger();

    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = base.AroundReceive(receive, message);
        // Requests are reported to the parent in batches, at most once a second, not once each.
        if (Pipeline.Meter.Unreported > 0 && _reportTick is null)
            _reportTick = ScheduleToSelf(ServerTuning.RequestReportInterval, ReportRequestsTick.Instance);
        return handled;
    }

    /// <summary>Tells this actor <paramref name="message"/> once, after <paramref name="delay"/>; cancel it in <see cref="PostStop"/>.</summary>
    protected ICancelable ScheduleToSelf(TimeSpan delay, object message) =>
        Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, message, Self);

    /// <summary>The last count, the goodbye if it never ended on its own (a crash, a forced shutdown), and why, to the parent.</summary>
    protected override void PostStop()
    {
        _reportTick?.Cancel();
        ReportRequests();
        if (Pipeline.EndReason is null)
        {
            var shuttingDown = CoordinatedShutdown.Get(Context.System).ShutdownReason is not null;
            Pipeline.MarkEnded(shuttingDown ? SessionEndReason.Shutdown : SessionEndReason.Crashed);
            SayGoodbyeWhileStopping(shuttingDown ? Replies.ByeShutdown : Replies.ByeCrashed);
        }
        Context.Parent.Tell(new SessionProtocol.SessionEnded(Pipeline.EndReason!.Value));
    }

    /// <summary>Handles what every session handles; false for a message the transport must handle.</summary>
    protected bool HandleCommon(object message)
    {
        switch (message)
        {
            case SessionProtocol.CheckTimeouts:
                CheckTimeouts();
                return true;
            case SessionProtocol.ServerStopping:
                Pipeline.End(SessionEndReason.Shutdown, Replies.ByeShutdown);
                OutputReady();
                return true;
            case SessionProtocol.Evict:
                Pipeline.End(SessionEndReason.Evicted, null);
                OutputReady();
                return true;
            case SessionProtocol.StatsSnapshot stats:
                Pipeline.OnStats(stats);
                return true;
            case ReportRequestsTick:
                _reportTick = null;
                ReportRequests();
                return true;
            default:
                return Pipeline.OnServiceMessage(message);
        }
    }

    private void ReportRequests()
    {
        var count = Pipeline.Meter.TakeUnreported();
        if (count > 0)
            Context.Parent.Tell(new SessionProtocol.RequestsServed(count, _toldTimeoutCheckMs = NextTimeoutCheckMs()));
    }

    /// <summary>Ends the session when a timeout has run out; otherwise tells the parent when to look again.</summary>
    protected virtual void CheckTimeouts()
    {
        if (Pipeline.OnTimeoutCheck())
            Log.Warning("session {0}: no answer from the service within {1}", Info.Id, ServerTuning.ServiceTimeout);
        if (Pipeline.EndReason is null)
            Context.Parent.Tell(new SessionProtocol.NextTimeoutCheck(_toldTimeoutCheckMs = NextTimeoutCheckMs()));
    }

    /// <summary>The earliest time a timeout of this session could run out (the transport may add one of its own).</summary>
    protected virtual long NextTimeoutCheckMs() => Math.Min(Pipeline.IdleExpiryMs, Pipeline.ServiceDeadlineMs);

    /// <summary>The last words of a session stopped by a crash or a forced shutdown, where the transport still allows them.</summary>
    protected abstract void SayGoodbyeWhileStopping(string goodbye);

    public void AskStats(long unreportedRequests) => Context.Parent.Tell(new SessionProtocol.StatsRequested(unreportedRequests));

    /// <summary>
    /// Tells the parent when the awaited answer is overdue if it would look later than that; otherwise
    /// nothing (a look that comes early finds the next time): about one message a service timeout, not one a request.
    /// </summary>
    public void AwaitingService(long deadlineMs)
    {
        if (deadlineMs < _toldTimeoutCheckMs)
            Context.Parent.Tell(new SessionProtocol.NextTimeoutCheck(_toldTimeoutCheckMs = deadlineMs));
    }

    public abstract void RequestAnswered();

    public abstract void OutputReady();

    public abstract void Ending(SessionEndReason reason);

    public abstract void CaughtUp();

    private sealed class ReportRequestsTick { public static readonly ReportRequestsTick Instance = new(); }
}
