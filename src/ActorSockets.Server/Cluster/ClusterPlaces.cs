using Akka.Actor;
using static ActorSockets.Server.Cluster.ClusterCountProtocol;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// The limiter's side of the cluster's count (<see cref="ClusterCountActor"/>): the admissions waiting
/// for the count's answer, the figures it last sent, and whether it can be reached. Plain state, owned
/// by the limiter actor, which sends and receives for it.
/// </summary>
internal sealed class ClusterPlaces(IActorRef count, string node, IActorRef limiter)
{
    private readonly Dictionary<long, (object Admit, long DueMs)> _waiting = [];
    private IReadOnlyDictionary<string, NodeTotals> _figures = new Dictionary<string, NodeTotals>();
    private long _nextReservation = 1;
    private long _lastHeardMs = long.MinValue / 2;

    /// <summary>Whether the count answered within the last two report periods; if not, admissions go by the node's share.</summary>
    public bool Reachable => Environment.TickCount64 - _lastHeardMs <= 2 * ServerTuning.ClusterFiguresInterval.TotalMilliseconds;

    /// <summary>Admissions waiting for the count: they count as this node's clients in its figures.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Asks the count for a place for <paramref name="admit"/>; the answer names the reservation.</summary>
    public void Reserve(object admit)
    {
        var reservation = _nextReservation++;
        _waiting[reservation] = (admit, Environment.TickCount64 + (long)ServerTuning.ClusterCountWait.TotalMilliseconds);
        count.Tell(new ReservePlace(node, reservation, limiter));
    }

    /// <summary>The admission a reservation was for; null for one already decided (answered too late: give the place back).</summary>
    public object? Answered(long reservation)
    {
        _lastHeardMs = Environment.TickCount64;
        return _waiting.Remove(reservation, out var waiting) ? waiting.Admit : null;
    }

    /// <summary>Admissions whose answer did not come in time; the count is taken as unreachable.</summary>
    public List<object> TakeOverdue()
    {
        var now = Environment.TickCount64;
        var overdue = _waiting.Where(entry => entry.Value.DueMs <= now).ToList();
        foreach (var entry in overdue)
            _waiting.Remove(entry.Key);
        if (overdue.Count > 0)
            _lastHeardMs = long.MinValue / 2;
        return [.. overdue.Select(entry => entry.Value.Admit)];
    }

    /// <summary>Every admission still waiting (the server is stopping).</summary>
    public List<object> TakeAll()
    {
        var all = _waiting.Values.Select(waiting => waiting.Admit).ToList();
        _waiting.Clear();
        return all;
    }

    /// <summary>Time until the earliest wait runs out; null when none waits.</summary>
    public TimeSpan? NextDue()
    {
        if (_waiting.Count == 0)
            return null;
        var due = _waiting.Values.Min(waiting => waiting.DueMs) - Environment.TickCount64;
        return TimeSpan.FromMilliseconds(Math.Max(due, 1));
    }

    public void Release() => count.Tell(new PlaceReleased(node));

    public void Report(NodeTotals mine) => count.Tell(new NodeFigures(node, mine, limiter));

    public void Heard(ClusterFigures figures)
    {
        _figures = figures.Nodes;
        _lastHeardMs = Environment.TickCount64;
    }

    /// <summary>The other nodes' figures as the count last sent them.</summary>
    public NodeTotals Others() =>
        _figures.Where(entry => entry.Key != node).Aggregate(NodeTotals.None, (sum, entry) => sum.Plus(entry.Value));
}
