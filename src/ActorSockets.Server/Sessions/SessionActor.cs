using System.Buffers;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Framing;
using ActorSockets.Protocol.Requests;
using ActorSockets.Server.Services;
using Akka.Actor;
using Akka.Event;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// One client's session, whatever the transport. It owns the request pipeline of PROTOCOL.md
/// sections 1 and 2: tags, the common commands, the idle timeout, STATS answered in order, and the
/// goodbye line when it ends or crashes. The TCP and UDP sessions add framing and writing.
/// </summary>
/// <remarks>
/// Lifecycle: serving → (QUIT, timeout, shutdown, peer closed, line too long) ending → stopped.
/// Requests are answered strictly in order. Some are answered by another actor (STATS by the limiter,
/// which owns the figures; notes by the notes store); while such an answer is awaited, later lines
/// wait in a queue, and a long reply (a TCP GET of the whole board) goes out chunk by chunk as the
/// transport takes it.
/// Everything here runs on the actor's own thread; nothing is shared with other sessions.
/// </remarks>
public abstract class SessionActor : UntypedActor, IWithTimers, ILineSink
{
    private const string ReportTimerKey = "report-requests";
    private const string ServiceTimeoutKey = "service-timeout";
    private const string IdleTimerKey = "idle-check";

    /// <summary>Lines (byte[]) or errors (<see cref="OversizedRequest"/>) that arrived while a reply was awaited.</summary>
    private readonly Queue<object> _waiting = new();
    private readonly IServiceSession _service;
    private readonly IdleClock _idle;
    private Awaiting _awaiting;
    private byte[] _statsTag = [];
    private long _unreportedRequests;

    protected SessionActor(SessionInfo info)
    {
        Info = info;
        Log = Context.GetLogger();
        _idle = new IdleClock(info.Settings.Timeout.Duration);
        _service = info.Service.Open(new ServiceContext(Self, info.Id, info.Settings));
    }

    /// <summary>What the session waits for before it serves the next request.</summary>
    private enum Awaiting
    {
        Nothing,
        /// <summary>The limiter's figures for STATS.</summary>
        Stats,
        /// <summary>An answer the service waits for (from the notes store).</summary>
        Service,
        /// <summary>The transport to take what was written, before the service writes more of a long reply.</summary>
        Writable,
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected SessionInfo Info { get; }
    protected ILoggingAdapter Log { get; }
    /// <summary>Reply bytes not yet handed to the transport.</summary>
    protected ArrayBufferWriter<byte> Outgoing { get; } = new();
    /// <summary>Set once the session has begun to end; no request is served after that.</summary>
    protected SessionEndReason? EndReason { get; private set; }
    protected bool AwaitingReply => _awaiting != Awaiting.Nothing;
    protected int WaitingCount => _waiting.Count;

    protected override void PreStart() => ResumeIdleTimer();

    protected override void PostStop()
    {
        ReportRequests();
        if (EndReason is null)
        {
            // Stopped without ending on its own: an exception (the limiter's strategy stops a failing
            // session), or the actor system going down after the shutdown phase gave up waiting.
            var shuttingDown = CoordinatedShutdown.Get(Context.System).ShutdownReason is not null;
            EndReason = shuttingDown ? SessionEndReason.Shutdown : SessionEndReason.Crashed;
            SayGoodbyeWhileStopping(shuttingDown ? Replies.ByeShutdown : Replies.ByeCrashed);
        }
        Context.Parent.Tell(new SessionProtocol.SessionEnded(EndReason.Value));
    }

    /// <summary>One request line from the transport (a TCP line or a UDP datagram's line).</summary>
    public void OnLine(ReadOnlySpan<byte> line)
    {
        if (EndReason is not null || line.IsEmpty)
            return;
        // Activity is a complete request line with something in it (PROTOCOL.md section 2): a line of
        // blanks is answered like any line, but keeps nobody alive.
        if (!Blanks.Trim(line).IsEmpty)
            _idle.Touch(IdleClock.Now);
        if (AwaitingReply)
            _waiting.Enqueue(line.ToArray());
        else
            Serve(line);
    }

    /// <summary>A request too long to read: answered in its turn; over TCP it also ends the session.</summary>
    protected void OnOversizedRequest(string errorLine, bool endsSession)
    {
        if (EndReason is not null)
            return;
        _idle.Touch(IdleClock.Now); // a whole datagram, too long (over TCP the session ends anyway)
        var oversized = new OversizedRequest(errorLine, endsSession);
        if (AwaitingReply)
            _waiting.Enqueue(oversized);
        else
            Serve(oversized);
    }

    /// <summary>Handles what every session handles; false for a message the transport must handle.</summary>
    protected bool HandleCommon(object message)
    {
        switch (message)
        {
            case IdleCheck when EndReason is null:
                if (_idle.IsExpired(IdleClock.Now, out var checkAgainIn))
                {
                    End(SessionEndReason.Timeout, Replies.ByeTimeout(Info.Settings.Timeout.Text));
                    Flush();
                }
                else if (checkAgainIn is { } delay)
                {
                    Timers.StartSingleTimer(IdleTimerKey, IdleCheck.Instance, delay);
                }
                return true;
            case IdleCheck:
                return true;
            case SessionProtocol.ServerStopping:
                End(SessionEndReason.Shutdown, Replies.ByeShutdown);
                Flush();
                return true;
            case SessionProtocol.Evict:
                End(SessionEndReason.Evicted, null);
                Flush();
                return true;
            case SessionProtocol.StatsSnapshot stats when _awaiting == Awaiting.Stats:
                Replies.WriteLine(Outgoing, _statsTag, stats.ToReplyLine());
                Track(ServiceStep.Complete);
                return true;
            case ReportRequestsTick:
                ReportRequests();
                return true;
            case ServiceTimeoutTick when _awaiting == Awaiting.Service:
                Log.Warning("session {0}: no answer from the service within {1}", Info.Id, ServerTuning.ServiceTimeout);
                if (_service.Abandon(Outgoing))
                {
                    End(SessionEndReason.ServiceFailed, null);
                    Flush();
                }
                else
                {
                    Track(ServiceStep.Complete);
                }
                return true;
            case not null when _awaiting == Awaiting.Service:
                var step = _service.Continue(message, Outgoing);
                if (step == ServiceStep.NotMine)
                    return false;
                Track(step);
                return true;
            case not null when _awaiting == Awaiting.Nothing && EndReason is null:
                // A message the service did not ask for, such as the chat operator's answer.
                var unasked = _service.Continue(message, Outgoing);
                if (unasked == ServiceStep.NotMine)
                    return false;
                Track(unasked);
                AfterRequest();
                Flush();
                return true;
            default:
                return false;
        }
    }

    /// <summary>The transport has sent everything: a long reply may go on.</summary>
    protected void OnWritable()
    {
        if (_awaiting == Awaiting.Writable)
            Track(_service.Resume(Outgoing));
    }

    /// <summary>Moves the request on after a step: done (next request), or waiting for an answer or the transport.</summary>
    private void Track(ServiceStep step)
    {
        switch (step)
        {
            case ServiceStep.Complete:
                var wasWaiting = _awaiting != Awaiting.Nothing;
                _awaiting = Awaiting.Nothing;
                Timers.Cancel(ServiceTimeoutKey);
                ApplyServiceState();
                if (!wasWaiting)
                    return; // answered inside Serve, which carries on itself
                AfterRequest();
                ServeWaiting();
                Flush();
                break;
            case ServiceStep.Pending:
                _awaiting = Awaiting.Service;
                Timers.StartSingleTimer(ServiceTimeoutKey, ServiceTimeoutTick.Instance, ServerTuning.ServiceTimeout);
                PauseIdleTimer();
                break;
            case ServiceStep.NeedsWritable:
                _awaiting = Awaiting.Writable;
                Timers.Cancel(ServiceTimeoutKey);
                PauseIdleTimer();
                Flush();
                break;
            default:
                throw new InvalidOperationException($"a service answered {step} to its own request");
        }
    }

    /// <summary>The server speaks first when the service has something to say (chat's HELLO).</summary>
    protected void Greet()
    {
        _service.Start(Outgoing);
        ApplyServiceState();
        Flush();
    }

    /// <summary>Closes when the service has said its last line; otherwise runs the idle timer only on the client's turn.</summary>
    private void ApplyServiceState()
    {
        if (_service.Ending is { } reason)
            End(reason, null);
        else if (_service.ClientsTurn)
            ResumeIdleTimer();
        else
            PauseIdleTimer();
    }

    /// <summary>While the server owes a reply, the client is not idle: its clock waits.</summary>
    private void PauseIdleTimer() => _idle.Pause();

    /// <summary>The client's turn: the idle clock runs afresh; one timer checks it (none is set per request).</summary>
    private void ResumeIdleTimer()
    {
        if (EndReason is null && _idle.Resume(IdleClock.Now) is { } check && !Timers.IsTimerActive(IdleTimerKey))
            Timers.StartSingleTimer(IdleTimerKey, IdleCheck.Instance, check);
    }

    /// <summary>Begins to end the session: the goodbye line (if any) is the last reply; nothing is served after it.</summary>
    protected void End(SessionEndReason reason, string? goodbye)
    {
        if (EndReason is not null)
            return;
        EndReason = reason;
        _waiting.Clear();
        _awaiting = Awaiting.Nothing;
        Timers.Cancel(ServiceTimeoutKey);
        Timers.Cancel(IdleTimerKey);
        _idle.Pause();
        if (goodbye is not null)
            Replies.WriteLine(Outgoing, default, goodbye);
        OnEnding();
    }

    /// <summary>Records why the session ended when the transport ended it (e.g. the connection was lost).</summary>
    protected void MarkEnded(SessionEndReason reason) => EndReason ??= reason;

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

    private void Serve(ReadOnlySpan<byte> line)
    {
        CountRequest();
        var status = _service.TakesTags
            ? Request.Parse(line, out var tag, out var body)
            : Request.ParseUntagged(line, out tag, out body);
        switch (status)
        {
            case RequestStatus.InvalidUtf8:
                Replies.WriteLine(Outgoing, default, Replies.Utf8);
                break;
            case RequestStatus.BadTag:
                Replies.WriteLine(Outgoing, default, Replies.BadTag);
                break;
            case RequestStatus.NothingAfterTag:
                Replies.WriteLine(Outgoing, tag, Replies.NothingAfterTag);
                break;
            default:
                ServeCommand(tag, body);
                break;
        }
        AfterRequest();
    }

    private void Serve(OversizedRequest oversized)
    {
        CountRequest();
        Replies.WriteLine(Outgoing, default, oversized.ErrorLine);
        if (oversized.EndsSession)
            End(SessionEndReason.LineTooLong, null);
        AfterRequest();
    }

    private void ServeCommand(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body)
    {
        switch (CommonCommands.Recognize(body, Info.Settings.DebugCrashCommand))
        {
            case CommonCommand.Ping:
                Replies.WriteLine(Outgoing, tag, Replies.Pong);
                break;
            case CommonCommand.Help:
                Replies.WriteHelp(Outgoing, tag, Info.Service.HelpLines.Concat(CommonCommands.HelpLines(Info.Settings.DebugCrashCommand)));
                break;
            case CommonCommand.Stats:
                _statsTag = tag.ToArray();
                _awaiting = Awaiting.Stats;
                Context.Parent.Tell(new SessionProtocol.StatsRequested(_unreportedRequests));
                _unreportedRequests = 0;
                break;
            case CommonCommand.Quit:
                Replies.WriteLine(Outgoing, tag, Replies.ByeQuit);
                End(SessionEndReason.Quit, null);
                break;
            case CommonCommand.Crash:
                throw new SessionProtocol.RequestedCrashException();
            default:
                Track(_service.Handle(tag, body, Outgoing));
                break;
        }
    }

    private void ServeWaiting()
    {
        while (_waiting.Count > 0 && !AwaitingReply && EndReason is null)
        {
            switch (_waiting.Dequeue())
            {
                case byte[] line:
                    Serve(line);
                    break;
                case OversizedRequest oversized:
                    Serve(oversized);
                    break;
            }
        }
        if (!AwaitingReply && EndReason is null)
            OnCaughtUp();
    }

    private void CountRequest()
    {
        _unreportedRequests++;
        if (!Timers.IsTimerActive(ReportTimerKey))
            Timers.StartSingleTimer(ReportTimerKey, ReportRequestsTick.Instance, ServerTuning.RequestReportInterval);
    }

    /// <summary>Requests are reported to the limiter in batches, at most once a second, not once each.</summary>
    private void ReportRequests()
    {
        if (_unreportedRequests == 0)
            return;
        Context.Parent.Tell(new SessionProtocol.RequestsServed(_unreportedRequests));
        _unreportedRequests = 0;
    }

    #region Internal messages

    private sealed record OversizedRequest(string ErrorLine, bool EndsSession);

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
