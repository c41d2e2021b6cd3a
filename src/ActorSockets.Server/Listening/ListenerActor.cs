using System.Net;
using ActorSockets.Protocol.Settings;
using Akka;
using Akka.Actor;
using Akka.Event;

namespace ActorSockets.Server.Listening;

/// <summary>
/// What both listeners share: reporting the bind to <see cref="ListenerStatus"/> with the start line
/// a person reads, and unbinding on shutdown. The TCP and UDP listeners map their own Akka.IO events
/// onto these steps and add what they do with clients.
/// </summary>
public abstract class ListenerActor : UntypedActor
{
    private readonly ListenerStatus _status;
    private IActorRef? _unbindRequester;
    private bool _bindFailed;
    private EndPoint? _boundAt;

    protected ListenerActor(ActorSocketsSettings settings, IActorRef limiter, ListenerStatus status)
    {
        Settings = settings;
        Limiter = limiter;
        _status = status;
    }

    protected ActorSocketsSettings Settings { get; }
    protected IActorRef Limiter { get; }
    protected ILoggingAdapter Log { get; } = Context.GetLogger();
    /// <summary>The Akka.IO actor of the bound socket; null until bound, or when binding failed.</summary>
    protected IActorRef? Socket { get; private set; }

    /// <summary>The transport's Unbind command, sent to <see cref="Socket"/> on shutdown.</summary>
    protected abstract object UnbindCommand { get; }

    /// <summary>"tcp" or "udp", for the line a person reads when listening fails.</summary>
    protected abstract string TransportName { get; }

    /// <summary>Asks Akka.IO to bind; the answer comes as a message.</summary>
    protected abstract void Bind();

    protected override void PreStart()
    {
        try
        {
            Bind();
        }
        catch (Exception e)
        {
            // Akka.IO reads its settings (akka.io.tcp / akka.io.udp) when first used, here, and throws
            // on values it refuses: a bad value in a config file must end the start with its reason,
            // not leave a server that never listens.
            OnBindFailed(TransportName, $"akka.io settings: {e.Message}");
        }
    }

    /// <summary>Reports the bind; false for the stray Bound that follows a failed bind.</summary>
    protected bool OnBound(EndPoint local, IActorRef socket)
    {
        // Akka.IO 1.5.74 follows a failed Udp.Bind with a Bound for no address: the bind failed; ignore it.
        if (_bindFailed)
            return false;
        Socket = socket;
        _boundAt = local;
        Log.Info(Describe(local));
        _status.ReportBound(local);
        return true;
    }

    /// <summary>Stays alive, unbound, so that shutdown's StopListening is answered at once.</summary>
    protected void OnBindFailed(string transport, string why)
    {
        _bindFailed = true;
        _status.ReportFailed($"cannot listen on {Settings.EndPoint} ({transport}): {why}");
    }

    /// <summary>Handles StopListening and the transport's Unbound event; false for other messages.</summary>
    protected bool HandleStopListening(object message, bool isUnbound)
    {
        switch (message)
        {
            case ListenerProtocol.StopListening when Socket is not null:
                _unbindRequester = Sender;
                Socket.Tell(UnbindCommand);
                return true;
            case ListenerProtocol.StopListening:
                Sender.Tell(Done.Instance);
                return true;
            case not null when isUnbound:
                Log.Info("stopped listening on {0}", _boundAt ?? Settings.EndPoint);
                _unbindRequester?.Tell(Done.Instance);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The start line: the service, the transport, where it really listens (port 0 resolved), the limits.</summary>
    private string Describe(EndPoint bound) =>
        $"{ActorSocketsSettings.NameOf(Settings.Service)} over {ActorSocketsSettings.NameOf(Settings.Transport)} " +
        $"listening on {bound}; clients limit {Settings.ClientsLimit}, idle timeout {Settings.Timeout.Text}";
}
