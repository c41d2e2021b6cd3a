using ActorSockets.Server.Services;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// A session's messages: what it receives from the rest of the server, and the events it reports
/// to its parent (the limiter), the way Akka.IO reports <c>Tcp.*</c> events to a connection's handler.
/// Sessions know their parent only through these, so they depend on nothing of the limiter's.
/// </summary>
public static class SessionProtocol
{
    #region Events to the parent

    /// <summary>As soon as the session's client is gone (at the latest when it stops): why it ended.</summary>
    public sealed record SessionEnded(SessionEndReason Reason);

    /// <summary>Requests served since the last report (reported in batches, not per request).</summary>
    /// <param name="NextTimeoutCheckMs">As in <see cref="NextTimeoutCheck"/>: the activity the batch reports moves it on.</param>
    public sealed record RequestsServed(long Count, long NextTimeoutCheckMs);

    /// <summary>
    /// The answer to <see cref="CheckTimeouts"/> when none has run out: the earliest time one could
    /// (<see cref="Environment.TickCount64"/> milliseconds; <see cref="long.MaxValue"/>: never). Activity
    /// only moves it later, so a look at that time is never too late, at worst early.
    /// </summary>
    public sealed record NextTimeoutCheck(long DueMs);

    /// <summary>A client asked STATS: the figures, please, with the session's own unreported requests so its figure is exact.</summary>
    public sealed record StatsRequested(long UnreportedRequests);

    /// <summary>The parent's answer to <see cref="StatsRequested"/>: the figures STATS shows.</summary>
    /// <param name="Nodes">Cluster mode: the nodes up (the other figures are the cluster's); null for a single server.</param>
    public sealed record StatsSnapshot(int Clients, int ClientsLimit, long Admitted, long Refused, long Timeouts, long Crashes, long Requests,
        int? Nodes = null)
    {
        public string ToReplyLine() =>
            $"STATS clients={Clients}/{ClientsLimit} admitted={Admitted} refused={Refused} " +
            $"timeouts={Timeouts} crashes={Crashes} requests={Requests}" + (Nodes is { } nodes ? $" nodes={nodes}" : "");
    }

    #endregion

    /// <summary>
    /// From the parent's sweep (the limiter holds the timeouts' clock for all its sessions, so that a
    /// session holds no timer while it waits): end the session if its idle timeout, or over TCP its
    /// stalled write, has run out; otherwise answer <see cref="NextTimeoutCheck"/>.
    /// </summary>
    public sealed class CheckTimeouts
    {
        public static readonly CheckTimeouts Instance = new();
        private CheckTimeouts() { }
    }

    /// <summary>The server is stopping: say <c>BYE shutdown</c>, flush, close, stop.</summary>
    public sealed class ServerStopping
    {
        public static readonly ServerStopping Instance = new();
        private ServerStopping() { }
    }

    /// <summary>UDP: end at once and say nothing; the place goes to a newcomer (the source may be spoofed).</summary>
    public sealed class Evict
    {
        public static readonly Evict Instance = new();
        private Evict() { }
    }

    /// <summary>
    /// From a UDP session to its limiter, once: its endpoint echoed its <see cref="UdpCookie"/>, so it
    /// receives at its address (no forged source can): it keeps its place against newcomers.
    /// </summary>
    public sealed class ClientProven
    {
        public static readonly ClientProven Instance = new();
        private ClientProven() { }
    }

    /// <summary>
    /// Thrown by the <c>CRASH</c> request when <c>debug.crash-command = on</c>: a real exception
    /// escaping the actor, so that a person can watch the limiter stop the session and nothing else.
    /// </summary>
    public sealed class RequestedCrashException()
        : Exception("CRASH requested by the client (debug.crash-command = on)");
}
