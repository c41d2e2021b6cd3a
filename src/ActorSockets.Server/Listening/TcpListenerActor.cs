using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Limiting;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;

namespace ActorSockets.Server.Listening;

/// <summary>
/// Owns the TCP listening socket (Akka.IO <see cref="Tcp.Bind"/>) and hands every accepted
/// connection to the limiter, which admits or refuses it. Nothing else happens here, so accepting
/// never waits on a client.
/// </summary>
public sealed class TcpListenerActor : UntypedActor
{
    private readonly ActorSocketsSettings _settings;
    private readonly IActorRef _limiter;
    private readonly ListenerStatus _status;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _boundSocket;
    private IActorRef? _unbindRequester;

    public TcpListenerActor(ActorSocketsSettings settings, IActorRef limiter, ListenerStatus status)
    {
        _settings = settings;
        _limiter = limiter;
        _status = status;
    }

    public static Props Props(ActorSocketsSettings settings, IActorRef limiter, ListenerStatus status) =>
        Akka.Actor.Props.Create(() => new TcpListenerActor(settings, limiter, status));

    protected override void PreStart() =>
        // SO_REUSEADDR: a server restarted at once binds its port again, whatever state its last connections are in.
        Context.System.Tcp().Tell(new Tcp.Bind(Self, _settings.EndPoint, backlog: 1024,
            options: [new Inet.SO.ReuseAddress(true)]));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Bound bound:
                _boundSocket = Sender;
                _log.Info(ListenerProtocol.Describe(_settings, bound.LocalAddress));
                _status.ReportBound(bound.LocalAddress);
                break;
            case Tcp.CommandFailed { Cmd: Tcp.Bind } failed:
                _status.ReportFailed($"cannot listen on {_settings.EndPoint} (tcp): {failed.Cause.Value?.Message ?? failed.CauseString}");
                // Stays alive, unbound, so that shutdown's StopListening is answered at once.
                break;
            case Tcp.Connected connected:
                _limiter.Tell(new LimiterProtocol.AdmitTcpClient(Sender, connected.RemoteAddress));
                break;
            case ListenerProtocol.StopListening when _boundSocket is not null:
                _unbindRequester = Sender;
                _boundSocket.Tell(Tcp.Unbind.Instance);
                break;
            case ListenerProtocol.StopListening:
                Sender.Tell(Done.Instance);
                break;
            case Tcp.Unbound:
                _log.Info("stopped listening on {0}", _settings.EndPoint);
                _unbindRequester?.Tell(Done.Instance);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
