using System.Buffers;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Requests;
using ActorSockets.Server.Services;

namespace ActorSockets.Server.Sessions;

/// <summary>What a <see cref="RequestPipeline"/> asks of the session around it: messages, timers, the transport.</summary>
public interface ISessionEffects
{
    /// <summary>Ask the parent for the STATS figures; they come back to <see cref="RequestPipeline.OnStats"/>.</summary>
    void AskStats(long unreportedRequests);

    /// <summary>A request was counted: report the counts to the parent within a while (batched, not per request).</summary>
    void RequestCounted();

    /// <summary>Start (or restart) the timer for an answer from another actor; it fires <see cref="RequestPipeline.OnServiceTimeout"/>.</summary>
    void StartServiceTimer();

    void CancelServiceTimer();

    /// <summary>Look at the idle clock after <paramref name="delay"/> (<see cref="RequestPipeline.OnIdleCheck"/>), unless a look is already due.</summary>
    void ArmIdleCheck(TimeSpan delay);

    void CancelIdleCheck();

    /// <summary>One request is answered: UDP sends its datagram now; TCP gathers until the end of the read.</summary>
    void RequestAnswered();

    /// <summary>Hand what is gathered to the transport (and close once an ending session is written).</summary>
    void OutputReady();

    /// <summary>The session began to end (once).</summary>
    void Ending(SessionEndReason reason);

    /// <summary>Every waiting request is served and none is awaited.</summary>
    void CaughtUp();
}

/// <summary>
/// One client's requests, as plain state (no actor system needed to test it, like
/// <see cref="Protocol.Framing.LineDecoder"/>): tags, the common commands, the idle clock, STATS
/// answered in order, and the service's steps. Requests are answered strictly in order; some are
/// answered by another actor (STATS by the limiter, notes by the store): while such an answer is
/// awaited, later lines wait (bounded by the transport), and a long reply goes out part by part as
/// the transport takes it. Replies gather in <see cref="Outgoing"/>.
/// </summary>
public sealed class RequestPipeline
{
    /// <summary>Lines (byte[]) or errors (<see cref="OversizedRequest"/>) that arrived while a reply was awaited.</summary>
    private readonly Queue<object> _waiting = new();
    private readonly SessionInfo _info;
    private readonly IServiceSession _service;
    private readonly ISessionEffects _effects;
    private readonly IdleClock _idle;
    private readonly Func<long> _now;
    private Awaiting _awaiting;
    private byte[] _statsTag = [];
    private long _unreportedRequests;
    /// <summary>When the request being served arrived (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), for the duration metric.</summary>
    private long _servingSince;

    public RequestPipeline(SessionInfo info, IServiceSession service, ISessionEffects effects, Func<long>? clock = null)
    {
        _info = info;
        _service = service;
        _effects = effects;
        _now = clock ?? (() => IdleClock.Now);
        _idle = new IdleClock(info.Settings.Timeout.Duration);
    }

    /// <summary>What the pipeline waits for before it serves the next request.</summary>
    private enum Awaiting
    {
        Nothing,
        /// <summary>The limiter's figures for STATS.</summary>
        Stats,
        /// <summary>An answer the service waits for (from the notes store, the crypto workers).</summary>
        Service,
        /// <summary>The transport to take what was written, before the service writes more of a long reply.</summary>
        Writable,
    }

    /// <summary>Reply bytes not yet handed to the transport.</summary>
    public ArrayBufferWriter<byte> Outgoing { get; } = new();

    /// <summary>Set once the session has begun to end; no request is served after that.</summary>
    public SessionEndReason? EndReason { get; private set; }

    public bool AwaitingReply => _awaiting != Awaiting.Nothing;

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
        if (EndReason is not null || line.IsEmpty)
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
        if (EndReason is not null)
            return;
        _idle.Touch(_now()); // a whole datagram, too long (over TCP the session ends anyway)
        var oversized = new OversizedRequest(errorLine, endsSession);
        if (AwaitingReply)
            _waiting.Enqueue(oversized);
        else
            Serve(oversized);
    }

    /// <summary>The idle check is due: BYE timeout when the client was idle the whole timeout, else look again later.</summary>
    public void OnIdleCheck()
    {
        if (EndReason is not null)
            return;
        if (_idle.IsExpired(_now(), out var checkAgainIn))
        {
            End(SessionEndReason.Timeout, Replies.ByeTimeout(_info.Settings.Timeout.Text));
            _effects.OutputReady();
        }
        else if (checkAgainIn is { } delay)
        {
            _effects.ArmIdleCheck(delay);
        }
    }

    /// <summary>The parent's STATS figures, for the STATS request that waits for them.</summary>
    public void OnStats(SessionProtocol.StatsSnapshot stats)
    {
        if (_awaiting != Awaiting.Stats)
            return;
        var line = stats.ToReplyLine();
        if (_info.Settings.Transport == Protocol.Settings.Transport.Udp)
            line += " cookie=" + UdpCookie.For(_info.Remote); // read only at this address: see UdpCookie
        Replies.WriteLine(Outgoing, _statsTag, line);
        Track(ServiceStep.Complete);
    }

    /// <summary>No answer from the service in time: its error, or the end when a reply was under way. False when none was awaited.</summary>
    public bool OnServiceTimeout()
    {
        if (_awaiting != Awaiting.Service)
            return false;
        if (_service.Abandon(Outgoing))
        {
            End(SessionEndReason.ServiceFailed, null);
            _effects.OutputReady();
        }
        else
        {
            Track(ServiceStep.Complete);
        }
        return true;
    }

    /// <summary>A message for the service: the answer it awaits, or one it did not ask for (the chat operator's line). False when not the service's.</summary>
    public bool OnServiceMessage(object message)
    {
        if (_awaiting == Awaiting.Service)
        {
            var step = _service.Continue(message, Outgoing);
            if (step == ServiceStep.NotMine)
                return false;
            Track(step);
            return true;
        }
        if (_awaiting != Awaiting.Nothing || EndReason is not null)
            return false;
        var unasked = _service.Continue(message, Outgoing);
        if (unasked == ServiceStep.NotMine)
            return false;
        Track(unasked);
        _effects.RequestAnswered();
        _effects.OutputReady();
        return true;
    }

    /// <summary>The transport has sent everything: a long reply may go on.</summary>
    public void OnWritable()
    {
        if (_awaiting == Awaiting.Writable)
            Track(_service.Resume(Outgoing));
    }

    /// <summary>Begins to end the session: the goodbye line (if any) is the last reply; nothing is served after it.</summary>
    public void End(SessionEndReason reason, string? goodbye)
    {
        if (EndReason is not null)
            return;
        EndReason = reason;
        _waiting.Clear();
        _awaiting = Awaiting.Nothing;
        _effects.CancelServiceTimer();
        _effects.CancelIdleCheck();
        _idle.Pause();
        if (goodbye is not null)
            Replies.WriteLine(Outgoing, default, goodbye);
        _effects.Ending(reason);
    }

    /// <summary>Records why the session ended when the transport ended it (e.g. the connection was lost).</summary>
    public void MarkEnded(SessionEndReason reason) => EndReason ??= reason;

    /// <summary>The requests counted since the last call: reported to the parent in batches.</summary>
    public long TakeUnreportedRequests()
    {
        var count = _unreportedRequests;
        _unreportedRequests = 0;
        return count;
    }

    /// <summary>Moves the request on after a step: done (next request), or waiting for an answer or the transport.</summary>
    private void Track(ServiceStep step)
    {
        switch (step)
        {
            case ServiceStep.Complete:
                var wasWaiting = _awaiting != Awaiting.Nothing;
                _awaiting = Awaiting.Nothing;
                _info.Gauge.AwaitingService = false;
                _effects.CancelServiceTimer();
                ApplyServiceState();
                if (!wasWaiting)
                    return; // answered inside Serve, which carries on itself
                _info.Figures.RequestAnswered(_servingSince);
                _effects.RequestAnswered();
                ServeWaiting();
                _effects.OutputReady();
                break;
            case ServiceStep.Pending:
                _awaiting = Awaiting.Service;
                _info.Gauge.AwaitingService = true;
                _effects.StartServiceTimer();
                _idle.Pause();
                break;
            case ServiceStep.NeedsWritable:
                _awaiting = Awaiting.Writable;
                _effects.CancelServiceTimer();
                _idle.Pause();
                _effects.OutputReady();
                break;
            default:
                throw new InvalidOperationException($"a service answered {step} to its own request");
        }
    }

    /// <summary>Closes when the service has said its last line; otherwise runs the idle clock only on the client's turn.</summary>
    private void ApplyServiceState()
    {
        if (_service.Ending is { } reason)
            End(reason, null);
        else if (_service.ClientsTurn)
            ResumeIdleClock();
        else
            _idle.Pause();
    }

    /// <summary>The client's turn: the idle clock runs afresh; one check is armed (none per request).</summary>
    private void ResumeIdleClock()
    {
        if (EndReason is null && _idle.Resume(_now()) is { } check)
            _effects.ArmIdleCheck(check);
    }

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
        if (!AwaitingReply)
            _info.Figures.RequestAnswered(_servingSince);
        _effects.RequestAnswered();
    }

    private void Serve(OversizedRequest oversized)
    {
        CountRequest();
        Replies.WriteLine(Outgoing, default, oversized.ErrorLine);
        if (oversized.EndsSession)
            End(SessionEndReason.LineTooLong, null);
        _info.Figures.RequestAnswered(_servingSince);
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
                _awaiting = Awaiting.Stats;
                _effects.AskStats(TakeUnreportedRequests());
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
            _effects.CaughtUp();
    }

    private void CountRequest()
    {
        _servingSince = System.Diagnostics.Stopwatch.GetTimestamp();
        _info.Figures.RequestCounted();
        _unreportedRequests++;
        _effects.RequestCounted();
    }

    private sealed record OversizedRequest(string ErrorLine, bool EndsSession);
}
