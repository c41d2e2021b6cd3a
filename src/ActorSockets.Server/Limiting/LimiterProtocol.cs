using System.Net;
using ActorSockets.Server.Sessions;
using Akka.Actor;
using ActorSockets.Server.Services;

namespace ActorSockets.Server.Limiting;

/// <summary>The limiter's messages: admission, session lifecycle and the STATS figures.</summary>
public static class LimiterProtocol
{
    /// <summary>From the TCP listener: a connection was accepted; admit it or refuse it.</summary>
    public sealed record AdmitTcpClient(IActorRef Connection, EndPoint Remote);

    /// <summary>From the UDP listener: a datagram came from an endpoint with no session; answered to <paramref name="Listener"/>.</summary>
    public sealed record AdmitUdpClient(EndPoint Remote, IActorRef Socket, IActorRef Listener);

    /// <summary>To the UDP listener: a session now serves <paramref name="Remote"/>.</summary>
    public sealed record UdpClientAdmitted(EndPoint Remote, IActorRef Session);

    /// <summary>To the UDP listener: <paramref name="Remote"/> is refused; <paramref name="Line"/> says why (ERR busy, or BYE shutdown).</summary>
    public sealed record UdpClientRefused(EndPoint Remote, string Line);

    /// <summary>From a session to its limiter, as soon as its client is gone (at the latest when it stops): why it ended.</summary>
    public sealed record SessionEnded(SessionEndReason Reason);

    /// <summary>From a session: requests served since its last report (reported in batches, not per request).</summary>
    public sealed record RequestsServed(long Count);

    /// <summary>From a session answering STATS: its own unreported requests, so its figure is exact.</summary>
    public sealed record GetStats(long UnreportedRequests);

    /// <summary>The figures STATS shows; the limiter is their single source.</summary>
    public sealed record StatsSnapshot(
        int Clients, int ClientsLimit, long Admitted, long Refused, long Timeouts, long Crashes, long Requests)
        : INotInfluenceReceiveTimeout
    {
        public string ToReplyLine() =>
            $"STATS clients={Clients}/{ClientsLimit} admitted={Admitted} refused={Refused} " +
            $"timeouts={Timeouts} crashes={Crashes} requests={Requests}";
    }

    /// <summary>On shutdown: tell every session <c>BYE shutdown</c>, refuse newcomers, reply <see cref="Done"/> when all have stopped.</summary>
    public sealed class StopAllSessions
    {
        public static readonly StopAllSessions Instance = new();
        private StopAllSessions() { }
    }
}
