using System.Buffers;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Framing;
using ActorSockets.Protocol.Requests;
using ActorSockets.Server.Limiting;
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
/// Requests are answered strictly in order. STATS is the one request answered by another actor (the
/// limiter owns the figures); while its reply is awaited, later lines wait in a queue.
/// Everything here runs on the actor's own thread; nothing is shared with other sessions.
/// </remarks>
public abstract class SessionActor : UntypedActor, IWithTimers, ILineSink
{
    private const string ReportTimerKey = "report-requests";
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);

    /// <summary>Lines (byte[]) or errors (<see cref="OversizedRequest"/>) that arrived while STATS was awaited.</summary>
    private readonly Queue<object> _waiting = new();
    private byte[]? _statsTag;
    private long _unreportedRequests;

    protected SessionActor(SessionInfo info)
    {
        Info = info;
        Log = Context.GetLogger();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected SessionInfo Info { get; }
    protected ILoggingAdapter Log { get; }
    /// <summary>Reply bytes not yet handed to the transport.</summary>
    protected ArrayBufferWriter<byte> Outgoing { get; } = new(256);
    /// <summary>Set once the session has begun to end; no request is served after that.</summary>
    protected SessionEndReason? EndReason { get; private set; }
    protected bool AwaitingReply => _statsTag is not null;
    protected int WaitingCount => _waiting.Count;

    protected override void PreStart()
    {
        if (Info.Settings.Timeout.Duration is { } idle)
            Context.SetReceiveTimeout(idle);
    }

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
        Context.Parent.Tell(new LimiterProtocol.SessionEnded(EndReason.Value));
    }

    /// <summary>One request line from the transport (a TCP line or a UDP datagram's line).</summary>
    public void OnLine(ReadOnlySpan<byte> line)
    {
        if (EndReason is not null || line.IsEmpty)
            return;
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
            case ReceiveTimeout:
                End(SessionEndReason.Timeout, Replies.ByeTimeout(Info.Settings.Timeout.Text));
                Flush();
                return true;
            case SessionProtocol.ServerStopping:
                End(SessionEndReason.Shutdown, Replies.ByeShutdown);
                Flush();
                return true;
            case LimiterProtocol.StatsSnapshot stats when _statsTag is { } tag:
                _statsTag = null;
                Replies.WriteLine(Outgoing, tag, stats.ToReplyLine());
                AfterRequest();
                ServeWaiting();
                Flush();
                return true;
            case ReportRequestsTick:
                ReportRequests();
                return true;
            default:
                return false;
        }
    }

    /// <summary>Begins to end the session: the goodbye line (if any) is the last reply; nothing is served after it.</summary>
    protected void End(SessionEndReason reason, string? goodbye)
    {
        if (EndReason is not null)
            return;
        EndReason = reason;
        _waiting.Clear();
        Context.SetReceiveTimeout(null);
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
        switch (Request.Parse(line, out var tag, out var body))
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
                Context.Parent.Tell(new LimiterProtocol.GetStats(_unreportedRequests));
                _unreportedRequests = 0;
                break;
            case CommonCommand.Quit:
                Replies.WriteLine(Outgoing, tag, Replies.ByeQuit);
                End(SessionEndReason.Quit, null);
                break;
            case CommonCommand.Crash:
                throw new SessionProtocol.RequestedCrashException();
            default:
                Info.Service.Handle(tag, body, Outgoing);
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
            Timers.StartSingleTimer(ReportTimerKey, ReportRequestsTick.Instance, ReportInterval);
    }

    /// <summary>Requests are reported to the limiter in batches, at most once a second, not once each.</summary>
    private void ReportRequests()
    {
        if (_unreportedRequests == 0)
            return;
        Context.Parent.Tell(new LimiterProtocol.RequestsServed(_unreportedRequests));
        _unreportedRequests = 0;
    }

    #region Internal messages

    private sealed record OversizedRequest(string ErrorLine, bool EndsSession);

    private sealed class ReportRequestsTick : INotInfluenceReceiveTimeout
    {
        public static readonly ReportRequestsTick Instance = new();
        private ReportRequestsTick() { }
    }

    #endregion
}
