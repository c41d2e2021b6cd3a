using ActorSockets.Protocol;
using ActorSockets.Protocol.Requests;
using ActorSockets.Server.Services;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// One client's requests, as plain state (no actor system needed to test it, like
/// <see cref="Protocol.Framing.LineDecoder"/>): tags, the common commands, the idle clock, STATS
/// answered in order, and the service's steps. Requests are answered strictly in order; some are
/// answered by another actor (STATS by the limiter, notes by the store): while such an answer is
/// awaited, later lines wait (bounded by the transport), and a long reply goes out part by part as
/// the transport takes it. Replies gather in <see cref="Outgoing"/>.
/// </summary>
public sealed partial class RequestPipeline
{
    /// <summary>Lines (byte[]) or errors (<see cref="OversizedRequest"/>) that arrived while a reply was awaited.</summary>
    private readonly Queue<object> _waiting = new();
    private readonly SessionInfo _info;
    private readonly IServiceSession _service;
    private readonly ISessionEffects _effects;
    private readonly IdleClock _idle;
    private readonly Func<long> _now;
    /// <summary>When the service's awaited answer is overdue (a field, not a timer: the limiter's sweep looks).</summary>
    private long _serviceDeadlineMs = long.MaxValue;
    private Phase _phase;
    private byte[] _statsTag = [];

    public RequestPipeline(SessionInfo info, IServiceSession service, ISessionEffects effects, Func<long>? clock = null)
    {
        _info = info;
        _service = service;
        _effects = effects;
        _now = clock ?? (() => IdleClock.Now);
        _idle = new IdleClock(info.Settings.Timeout.Duration);
        Meter = new RequestMeter(info);
    }

    /// <summary>Where the pipeline is: ready for the next request, waiting before it serves one, or ended.</summary>
    private enum Phase
    {
        Ready,
        /// <summary>The limiter's figures for STATS.</summary>
        AwaitingStats,
        /// <summary>An answer the service waits for (from the notes store, the crypto workers).</summary>
        AwaitingService,
        /// <summary>The transport to take what was written, before the service writes more of a long reply.</summary>
        AwaitingWritable,
        /// <summary>The session has begun to end (<see cref="EndReason"/> says why): nothing is served any more.</summary>
        Ended,
    }

    /// <summary>Reply bytes not yet handed to the transport.</summary>
    public ReplyBuffer Outgoing { get; } = new();

    /// <summary>Set once the session has begun to end; no request is served after that.</summary>
    public SessionEndReason? EndReason { get; private set; }

    /// <summary>The session's request counting: the meter's figures, the batch for the limiter, the live view's gauge.</summary>
    public RequestMeter Meter { get; }

    public bool AwaitingReply => _phase is Phase.AwaitingStats or Phase.AwaitingService or Phase.AwaitingWritable;

    private bool Ended => _phase == Phase.Ended;

    public int WaitingCount => _waiting.Count;

    /// <summary>The session starts: the idle clock runs, and the server speaks first when the service has something to say (chat's HELLO).</summary>
    public void Start()
    {
        ResumeIdleClock();
        _service.Start(Outgoing);
        ApplyServiceState();
        _effects.OutputReady();
    }

    /// <summary>One request line from the transport (a TCP line or a UDP datagram's line).</summary>
    public void OnLine(ReadOnlySpan<byte> line)
    {
        if (Ended || line.IsEmpty)
            return;
        // Activity is a complete request line with something in it (PROTOCOL.md section 2): a line of
        // blanks is answered like any line, but keeps nobody alive.
        if (!Blanks.Trim(line).IsEmpty)
            _idle.Touch(_now());
        if (AwaitingReply)
            _waiting.Enqueue(line.ToArray());
        else
            Serve(line);
    }

    /// <summary>A request too long to read: answered in its turn; over TCP it also ends the session.</summary>
    public void OnOversizedRequest(string errorLine, bool endsSession)
    {
        if (Ended)
            return;
        _idle.Touch(_now()); // a whole datagram, too long (over TCP the session ends anyway)
        var oversized = new OversizedRequest(errorLine, endsSession);
        if (AwaitingReply)
            _waiting.Enqueue(oversized);
        else
            Serve(oversized);
    }

    /// <summary>
    /// The limiter looks at the timeouts: the service's error when its answer is overdue
    /// (<see cref="OnServiceTimeout"/>; true then), BYE timeout when the client was idle the whole timeout.
    /// </summary>
    public bool OnTimeoutCheck()
    {
        if (_phase == Phase.AwaitingService && _now() >= _serviceDeadlineMs)
            return OnServiceTimeout();
        if (Ended || !_idle.IsExpired(_now()))
            return false;
        End(SessionEndReason.Timeout, Replies.ByeTimeout(_info.Settings.Timeout.Text));
        _effects.OutputReady();
        return false;
    }

    /// <summary>When the answer awaited from the service is overdue; <see cref="long.MaxValue"/> while none is awaited.</summary>
    public long ServiceDeadlineMs => _serviceDeadlineMs;

    /// <summary>The earliest time the idle timeout can expire (<see cref="IdleClock.EarliestExpiryMs"/>): when the limiter should look next.</summary>
    public long IdleExpiryMs => _idle.EarliestExpiryMs(_now());

    /// <summary>Begins to end the session: the goodbye line (if any) is the last reply; nothing is served after it.</summary>
    public void End(SessionEndReason reason, string? goodbye)
    {
        if (Ended)
            return;
        EndReason = reason;
        _phase = Phase.Ended;
        _waiting.Clear();
        _serviceDeadlineMs = long.MaxValue;
        _idle.Pause();
        if (goodbye is not null)
            Replies.WriteLine(Outgoing, default, goodbye);
        _effects.Ending(reason);
    }

    /// <summary>Records why the session ended when the transport ended it (e.g. the connection was lost).</summary>
    public void MarkEnded(SessionEndReason reason)
    {
        EndReason ??= reason;
        _phase = Phase.Ended;
    }

    private void Serve(ReadOnlySpan<byte> line)
    {
        Meter.Counted();
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
        if (!AwaitingReply)
            Meter.Answered();
        _effects.RequestAnswered();
    }

    private void Serve(OversizedRequest oversized)
    {
        Meter.Counted();
        Replies.WriteLine(Outgoing, default, oversized.ErrorLine);
        if (oversized.EndsSession)
            End(SessionEndReason.LineTooLong, null);
        Meter.Answered();
        _effects.RequestAnswered();
    }

    private void ServeCommand(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body)
    {
        var crashEnabled = _info.Settings.DebugCrashCommand;
        switch (CommonCommands.Recognize(body, crashEnabled))
        {
            case CommonCommand.Ping:
                Replies.WriteLine(Outgoing, tag, Replies.Pong);
                break;
            case CommonCommand.Help:
                Replies.WriteHelp(Outgoing, tag, _info.Service.HelpLines.Concat(CommonCommands.HelpLines(crashEnabled)));
                break;
            case CommonCommand.Stats:
                _statsTag = tag.ToArray();
                _phase = Phase.AwaitingStats;
                _effects.AskStats(Meter.TakeUnreported());
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
        while (_waiting.Count > 0 && _phase == Phase.Ready)
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
        if (_phase == Phase.Ready)
            _effects.CaughtUp();
    }

    private sealed record OversizedRequest(string ErrorLine, bool EndsSession);
}
