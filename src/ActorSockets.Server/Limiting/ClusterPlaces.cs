using ActorSockets.Server.Cluster;
using Akka.Actor;
using static ActorSockets.Server.Cluster.ClusterCountProtocol;
using static ActorSockets.Server.Limiting.LimiterProtocol;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// The limiter's side of the cluster's count (<see cref="ClusterCountActor"/>): the admissions waiting
/// for the count's answer, the figures it last sent, and whether it can be reached. Plain state, owned
/// by the limiter actor, which sends and receives for it.
/// </summary>
internal sealed class ClusterPlaces(IActorRef count, string node, IActorRef limiter)
{
    private IReadOnlyDictionary<string, NodeTotals> _figures = new Dictionary<string, NodeTotals>();
    private long _lastHeardMs = long.MinValue / 2;

    /// <summary>Admissions waiting for the count, by reservation (the ticket): they count as this node's clients in its figures.</summary>
    public DeadlineQueue<Admission> Waiting { get; } = new();

    /// <summary>Whether the count answered within the last two report periods; if not, admissions go by the node's share.</summary>
    public bool Reachable(long nowMs) => nowMs - _lastHeardMs <= 2 * ServerTuning.ClusterFiguresInterval.TotalMilliseconds;

    /// <summary>Asks the count for a place for <paramref name="admit"/>; the answer names the reservation.</summary>
    public void Reserve(Admission admit, long nowMs)
    {
        var reservation = Waiting.Add(admit, nowMs + (long)ServerTuning.ClusterCountWait.TotalMilliseconds);
        count.Tell(new ReservePlace(node, reservation, limiter));
    }

    /// <summary>The admission a reservation was for; null for one already decided (answered too late: give the place back).</summary>
    public Admission? Answered(long reservation, long nowMs)
    {
        _lastHeardMs = nowMs;
        return Waiting.TryTake(reservation, out var admit) ? admit : null;
    }

    /// <summary>Admissions whose answer did not come in time; the count is taken as unreachable.</summary>
    public List<Admission> TakeOverdue(long nowMs)
    {
        var overdue = Waiting.TakeOverdue(nowMs);
        if (overdue.Count > 0)
            _lastHeardMs = long.MinValue / 2;
        return overdue;
    }

    /// <summary>Every admission still waiting (the server is stopping).</summary>
    public List<Admission> TakeAll() => Waiting.TakeAll();

    public void Release() => count.Tell(new PlaceReleased(node));

    public void Report(NodeTotals mine) => count.Tell(new NodeFigures(node, mine, limiter));

    public void Heard(ClusterFigures figures, long nowMs)
    {
        _figures = figures.Nodes;
        _lastHeardMs = nowMs;
    }

    /// <summary>
    /// Without the count's answer: this node admits up to its even share of the limit (PROTOCOL.md
    /// section 7), counting the members up (at least one: a node not yet joined has the whole limit).
    /// </summary>
    public static PlaceDecision DecideOnShare(Admission admit, int clients, int limit, int nodesUp, Func<bool> hasSilentUdpSession) =>
        clients < Math.Max(1, limit / Math.Max(1, nodesUp)) ? PlaceDecision.Admit : OverLimit(admit, hasSilentUdpSession);

    /// <summary>No place in the cluster: over UDP a silent session may give up its place (which stays this node's), else refused.</summary>
    public static PlaceDecision OverLimit(Admission admit, Func<bool> hasSilentUdpSession) =>
        admit is AdmitUdpClient && hasSilentUdpSession() ? PlaceDecision.EvictSilentUdpSession : PlaceDecision.Refuse;

    /// <summary>The other nodes' figures as the count last sent them.</summary>
    public NodeTotals Others() =>
        _figures.Where(entry => entry.Key != node).Aggregate(NodeTotals.None, (sum, entry) => sum.Plus(entry.Value));
}
