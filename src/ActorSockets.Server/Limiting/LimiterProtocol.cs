using System.Net;
using ActorSockets.Server.Sessions;
using Akka.Actor;

namespace ActorSockets.Server.Limiting;

/// <summary>The limiter's messages: admission and shutdown. What sessions tell it is in <see cref="Sessions.SessionProtocol"/>.</summary>
public static class LimiterProtocol
{
    /// <summary>A client that wants in, from a listener: admitted (a session is spawned for it) or refused with one line.</summary>
    public abstract record Admission(EndPoint Remote);

    /// <summary>From the TCP listener: a connection was accepted; admit it or refuse it.</summary>
    public sealed record AdmitTcpClient(IActorRef Connection, EndPoint Remote) : Admission(Remote);

    /// <summary>From the UDP listener: a datagram came from an endpoint with no session; answered to <paramref name="Listener"/>.</summary>
    public sealed record AdmitUdpClient(EndPoint Remote, IActorRef Socket, IActorRef Listener) : Admission(Remote);

    /// <summary>To the UDP listener: a session now serves <paramref name="Remote"/>.</summary>
    public sealed record UdpClientAdmitted(EndPoint Remote, IActorRef Session);

    /// <summary>To the UDP listener: <paramref name="Remote"/> is refused; <paramref name="Line"/> says why (ERR busy, or BYE shutdown).</summary>
    public sealed record UdpClientRefused(EndPoint Remote, string Line);

    /// <summary>On shutdown: tell every session <c>BYE shutdown</c>, refuse newcomers, reply <see cref="Done"/> when all have stopped.</summary>
    public sealed class StopAllSessions
    {
        public static readonly StopAllSessions Instance = new();
        private StopAllSessions() { }
    }
}
