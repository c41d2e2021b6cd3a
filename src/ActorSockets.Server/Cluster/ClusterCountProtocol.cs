using Akka.Actor;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// Between each node's limiter and the cluster's count (<see cref="ClusterCountActor"/>, a singleton).
/// Nodes are named by their cluster address as text (<c>akka.tcp://ActorSockets@host:port</c>).
/// </summary>
public static class ClusterCountProtocol
{
    /// <summary>A client wants in at <paramref name="Node"/>: answered <see cref="PlaceReserved"/>, <see cref="PlaceDenied"/> or <see cref="CountNotReady"/>.</summary>
    public sealed record ReservePlace(string Node, long Reservation, IActorRef ReplyTo) : IClusterMessage;

    /// <summary>The place is the node's: its client counts now.</summary>
    public sealed record PlaceReserved(long Reservation) : IClusterMessage;

    /// <summary>The cluster is at its limit.</summary>
    public sealed record PlaceDenied(long Reservation) : IClusterMessage;

    /// <summary>The count has just started (moved) and has not heard every node yet: decide on the node's share.</summary>
    public sealed record CountNotReady(long Reservation) : IClusterMessage;

    /// <summary>A client of <paramref name="Node"/> has left.</summary>
    public sealed record PlaceReleased(string Node) : IClusterMessage;

    /// <summary>
    /// Every second, each node's own figures: the count's soft state, so a count that starts on another
    /// node learns every node's clients within a second, and drift from a lost message is corrected.
    /// Its <see cref="NodeTotals.Clients"/> include the places the node is still asking for. Answered <see cref="ClusterFigures"/>.
    /// </summary>
    public sealed record NodeFigures(string Node, NodeTotals Totals, IActorRef ReplyTo) : IClusterMessage;

    /// <summary>The figures of every node the count knows, for STATS.</summary>
    public sealed record ClusterFigures(IReadOnlyDictionary<string, NodeTotals> Nodes) : IClusterMessage;

    /// <summary>One node's STATS figures.</summary>
    public sealed record NodeTotals(int Clients, long Admitted, long Refused, long Timeouts, long Crashes, long Requests)
    {
        public static readonly NodeTotals None = new(0, 0, 0, 0, 0, 0);

        public NodeTotals Plus(NodeTotals other) => new(Clients + other.Clients, Admitted + other.Admitted, Refused + other.Refused,
            Timeouts + other.Timeouts, Crashes + other.Crashes, Requests + other.Requests);
    }
}
