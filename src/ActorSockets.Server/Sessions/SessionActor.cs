using System.Buffers;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Framing;
using ActorSockets.Server.Services;
using Akka.Actor;
using Akka.Event;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// One client's session, whatever the transport: the actor around a <see cref="RequestPipeline"/>
/// (tags, common commands, the idle clock, STATS in order, the service's steps, all plain code).
/// It gives the pipeline its timers and its parent, turns messages into pipeline calls, and says
/// goodbye when it is stopped without having ended (a crash, or a forced shutdown). The TCP and UDP
/// sessions add framing and writing.
/// </summary>
/// <remarks>
/// Lifecycle: serving → (QUIT, timeout, shutdown, peer closed, line too long) ending → stopped.
/// Everything here runs on the actor's own thread; nothing is shared with other sessions.
/// </remarks>
public abstract class SessionActor : UntypedActor, IWithTimers, ILineSink, ISessionEffects
{
    private const string ReportTimerKey = "report-requests";
    private const string ServiceTimeoutKey = "service-timeout";
    private const string IdleTimerKey = "idle-check";

    protected SessionActor(SessionInfo info)
    {
        Info = info;
        Log = Context.GetLogger();
        Pipeline = new RequestPipeline(info, info.Service.Open(new ServiceContext(Self, info.Id, info.Settings)), this);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected SessionInfo Info { get; }
    protected ILoggingAdapter Log { get; }
    protected RequestPipeline Pipeline { get; }
    /// <summary>Reply bytes not yet handed to the transport.</summary>
    protected ArrayBufferWriter<byte> Outgoing => Pipeline.Outgoing;
    /// <summary>Set once the session has begun to end; no request is served after that.</summary>
    protected SessionEndReason? EndReason => Pipeline.EndReason;
    protected bool AwaitingReply => Pipeline.AwaitingReply;
    protected int WaitingCount => Pipeline.WaitingCount;

    protected override void PostStop()
    {
        ReportRequests();
        if (EndReason is null)
        {
            // Stopped without ending on its own: an exception (the limiter's strategy stops a failing
            // session), or the actor system going down after the shutdown phase gave up waiting.
            var shuttingDown = CoordinatedShutdown.Get(Context.System).ShutdownReason is not null;
            Pipeline.MarkEnded(shuttingDown ? SessionEndReason.Shutdown : SessionEndReason.Crashed);
            SayGoodbyeWhileStopping(shuttingDown ? Replies.ByeShutdown : Replies.ByeCrashed);
        }
        Context.Parent.Tell(new SessionProtocol.SessionEnded(EndReason!.Value));
    }

    /// <summary>One request line from the transport (a TCP line or a UDP datagram's line).</summary>
    public void OnLine(ReadOnlySpan<byte> line) => Pipeline.OnLine(line);

    /// <summary>A request too long to read: answered in its turn; over TCP it also ends the session.</summary>
    protected void OnOversizedRequest(string errorLine, bool endsSession) => Pipeline.OnOversizedRequest(errorLine, endsSession);

    /// <summary>Handles what every session handles; false for a message the transport must handle.</summary>
    protected bool HandleCommon(object message)
    {
        switch (message)
        {
            case IdleCheck:
                Pipeline.OnIdleCheck();
                return true;
            case SessionProtocol.ServerStopping:
                End(SessionEndReason.Shutdown, Replies.ByeShutdown);
                Flush();
                return true;
            case SessionProtocol.Evict:
                End(SessionEndReason.Evicted, null);
                Flush();
                return true;
            case SessionProtocol.StatsSnapshot stats:
                Pipeline.OnStats(stats);
                return true;
            case ReportRequestsTick:
                ReportRequests();
                return true;
            case ServiceTimeoutTick:
                if (Pipeline.OnServiceTimeout())
                    Log.Warning("session {0}: no answer from the service within {1}", Info.Id, ServerTuning.ServiceTimeout);
                return true;
            case not null:
                return Pipeline.OnServiceMessage(message);
            default:
                return false;
        }
    }

    /// <summary>The transport has sent everything: a long reply may go on.</summary>
    protected void OnWritable() => Pipeline.OnWritable();

    /// <summary>The server speaks first when the service has something to say (chat's HELLO); the idle clock starts.</summary>
    protected void Greet() => Pipeline.Start();

    /// <summary>Begins to end the session: the goodbye line (if any) is the last reply; nothing is served after it.</summary>
    protected void End(SessionEndReason reason, string? goodbye) => Pipeline.End(reason, goodbye);

    /// <summary>Records why the session ended when the transport ended it (e.g. the connection was lost).</summary>
    protected void MarkEnded(SessionEndReason reason) => Pipeline.MarkEnded(reason);

    /// <summary>After each request: UDP sends its reply datagram here; TCP waits for the end of the read.</summary>
    protected abstract void AfterRequest();

    /// <summary>Hands the replies gathered so far to the transport, and closes once an ending session is flushed.</summary>
    protected abstract void Flush();

    /// <summary>Called once when the session begins to end.</summary>
    protected virtual void OnEnding() { }

    /// <summary>Called when the queue of waiting requests has been served and none is awaited.</summary>
    protected virtual void OnCaughtUp() { }

    /// <summary>The last words of a session stopped by a crash or a forced shutdown, where the transport still allows them.</summary>
    protected abstract void SayGoodbyeWhileStopping(string goodbye);

    /// <summary>Requests are reported to the limiter in batches, at most once a second, not once each.</summary>
    private void ReportRequests()
    {
        var count = Pipeline.TakeUnreportedRequests();
        if (count > 0)
            Context.Parent.Tell(new SessionProtocol.RequestsServed(count));
    }

    #region The pipeline's effects

    void ISessionEffects.AskStats(long unreportedRequests) => Context.Parent.Tell(new SessionProtocol.StatsRequested(unreportedRequests));

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

    void ISessionEffects.RequestAnswered() => AfterRequest();

    void ISessionEffects.OutputReady() => Flush();

    void ISessionEffects.Ending(SessionEndReason reason) => OnEnding();

    void ISessionEffects.CaughtUp() => OnCaughtUp();

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
