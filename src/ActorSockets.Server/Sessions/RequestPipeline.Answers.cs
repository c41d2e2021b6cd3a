using ActorSockets.Protocol;
using ActorSockets.Server.Services;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// The pipeline's answers: what comes back while a request waits (the limiter's STATS figures, the
/// service's answer or its time running out, the transport taking a long reply's last part), and
/// how each step moves the request on.
/// </summary>
public sealed partial class RequestPipeline
{
    /// <summary>The parent's STATS figures, for the STATS request that waits for them.</summary>
    public void OnStats(SessionProtocol.StatsSnapshot stats)
    {
        if (_phase != Phase.AwaitingStats)
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
        if (_phase != Phase.AwaitingService)
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
        if (_phase == Phase.AwaitingService)
        {
            var step = _service.Continue(message, Outgoing);
            if (step == ServiceStep.NotMine)
                return false;
            Track(step);
            return true;
        }
        if (_phase != Phase.Ready)
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
        if (_phase == Phase.AwaitingWritable)
            Track(_service.Resume(Outgoing));
    }

    /// <summary>Moves the request on after a step: done (next request), or waiting for an answer or the transport.</summary>
    private void Track(ServiceStep step)
    {
        switch (step)
        {
            case ServiceStep.Complete:
                var wasWaiting = AwaitingReply;
                _phase = Phase.Ready;
                Meter.AwaitingService(false);
                _serviceDeadlineMs = long.MaxValue;
                ApplyServiceState();
                if (!wasWaiting)
                    return; // answered inside Serve, which carries on itself
                Meter.Answered();
                _effects.RequestAnswered();
                ServeWaiting();
                _effects.OutputReady();
                break;
            case ServiceStep.Pending:
                _phase = Phase.AwaitingService;
                Meter.AwaitingService(true);
                _serviceDeadlineMs = _now() + (long)ServerTuning.ServiceTimeout.TotalMilliseconds;
                _effects.AwaitingService(_serviceDeadlineMs);
                _idle.Pause();
                break;
            case ServiceStep.NeedsWritable:
                _phase = Phase.AwaitingWritable;
                _serviceDeadlineMs = long.MaxValue;
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

    /// <summary>The client's turn: the idle clock runs afresh (a field write: no timer, none per request).</summary>
    private void ResumeIdleClock()
    {
        if (!Ended)
            _idle.Resume(_now());
    }
}
