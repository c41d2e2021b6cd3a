using System.Net;
using ActorSockets.Server.Sessions;
using Akka.Actor;
using Akka.IO;

namespace ActorSockets.Server.Limiting;

/// <summary>The limiter's messages: admission and shutdown. What sessions tell it is in <see cref="Sessions.SessionProtocol"/>.</summary>
public static class LimiterProtocol
{
    /// <summary>A client that wants in, from a listener: admitted (a session is spawned for it) or refused with one line.</summary>
    public abstract record Admission(EndPoint Remote)
    {
        /// <summary>The session actor that serves this client.</summary>
        internal abstract Props SessionProps(SessionInfo info);

        /// <summary>Tells the client <paramref name="line"/> (<c>ERR busy</c>, or <c>BYE shutdown</c>) and lets it go; <paramref name="limiter"/> hears what comes back.</summary>
        internal abstract void Refuse(string line, IActorRef limiter);
    }

    /// <summary>From the TCP listener: a connection was accepted; admit it or refuse it.</summary>
    public sealed record AdmitTcpClient(IActorRef Connection, EndPoint Remote) : Admission(Remote)
    {
        internal override Props SessionProps(SessionInfo info) => TcpSessionActor.Props(info, Connection);

        internal override void Refuse(string line, IActorRef limiter)
        {
            // Register before writing: closing an unregistered Akka.IO connection crashes it and the
            // client would see a reset instead of the reason. Kept open on the peer's half-close,
            // so that a client that sends and half-closes at once (nc -N) still reads the line.
            Connection.Tell(new Tcp.Register(limiter, keepOpenOnPeerClosed: true), limiter);
            Connection.Tell(Tcp.Write.Create(ByteString.FromString(line + "\n")), limiter);
            Connection.Tell(Tcp.Close.Instance, limiter);
        }
    }

    /// <summary>From the UDP listener: a datagram came from an endpoint with no session; answered to <paramref name="Listener"/>.</summary>
    public sealed record AdmitUdpClient(EndPoint Remote, IActorRef Socket, IActorRef Listener) : Admission(Remote)
    {
        internal override Props SessionProps(SessionInfo info) => UdpSessionActor.Props(info, Socket);

        internal override void Refuse(string line, IActorRef limiter) => Listener.Tell(new UdpClientRefused(Remote, line), limiter);
    }

    /// <summary>To the UDP listener: a session now serves <paramref name="Remote"/>.</summary>
    public sealed record UdpClientAdmitted(EndPoint Remote, IActorRef Session);

    /// <summary>To the UDP listener: <paramref name="Remote"/> is refused; <paramref name="Line"/> says why (ERR busy, or BYE shutdown).</summary>
    public sealed record UdpClientRefused(EndPoint Remote, string Line);

    /// <summary>On shutdown: tell every session <c>BYE shutdown</c>, refuse newcomers, reply <see cref="Akka.Done"/> when all have stopped.</summary>
    public sealed class StopAllSessions
    {
        public static readonly StopAllSessions Instance = new();
        private StopAllSessions() { }
    }
}
