using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Limiting;
using Akka.Actor;
using Akka.IO;

namespace ActorSockets.Server.Listening;

/// <summary>
/// Owns the TCP listening socket (Akka.IO <see cref="Tcp.Bind"/>) and hands every accepted
/// connection to the limiter, which admits or refuses it. Nothing else happens here, so accepting
/// never waits on a client.
/// </summary>
public sealed class TcpListenerActor(ActorSocketsSettings settings, IActorRef limiter, ListenerStatus status)
    : ListenerActor(settings, limiter, status)
{
    public static Props Props(ActorSocketsSettings settings, IActorRef limiter, ListenerStatus status) =>
        Akka.Actor.Props.Create(() => new TcpListenerActor(settings, limiter, status));

    protected override object UnbindCommand => Tcp.Unbind.Instance;

    protected override string TransportName => "tcp";

    protected override void Bind() =>
        Context.System.Tcp().Tell(new Tcp.Bind(Self, Settings.EndPoint, backlog: 1024,
            options: [ExclusiveReuseAddress.Instance]));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Bound bound:
                OnBound(bound.LocalAddress, Sender);
                break;
            case Tcp.CommandFailed { Cmd: Tcp.Bind } failed:
                OnBindFailed(TransportName, failed.Cause.Value?.Message ?? failed.CauseString);
                break;
            case Tcp.Connected connected:
                Limiter.Tell(new LimiterProtocol.AdmitTcpClient(Sender, connected.RemoteAddress));
                break;
            default:
                if (!HandleStopListening(message, isUnbound: message is Tcp.Unbound))
                    Unhandled(message);
                break;
        }
    }
}
