using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using static ActorSockets.Server.Cluster.ClusterCountProtocol;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// The clients of the whole cluster, counted in one place (a cluster singleton): each node's limiter
/// asks it for a place before it admits a client, and it says no once the cluster holds
/// <c>clients-limit</c>. A node's figures are dropped when the node leaves the cluster.
/// </summary>
/// <remarks>
/// Its state is soft: every node sends its own figures every second (<see cref="NodeFigures"/>), and
/// a count that starts afresh (the singleton moved) answers <see cref="CountNotReady"/> until it has
/// had time to hear every node, so that a move never lets the cluster fill up again from zero. While
/// it is not ready, or cannot be reached, nodes admit up to an even share of the limit on their own.
/// Messages from one node arrive in the order sent, and a node's figures count the places it is still
/// asking for, so a report never undoes a reservation it crossed.
/// </remarks>
public sealed class ClusterCountActor : UntypedActor
{
    private readonly int _limit;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, NodeTotals> _nodes = [];
    private readonly long _readyAt = Environment.TickCount64 + (long)(ServerTuning.ClusterFiguresInterval * 2).TotalMilliseconds;

    public ClusterCountActor(int limit) => _limit = limit;

    public static Props Props(int limit) => Akka.Actor.Props.Create(() => new ClusterCountActor(limit));

    private int Clients => _nodes.Values.Sum(node => node.Clients);

    protected override void PreStart()
    {
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
        _log.Info("clients count (limit {0} for the cluster) runs on this node", _limit);
    }

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ReservePlace reserve when Environment.TickCount64 < _readyAt:
                reserve.ReplyTo.Tell(new CountNotReady(reserve.Reservation));
                break;
            case ReservePlace reserve when Clients >= _limit:
                reserve.ReplyTo.Tell(new PlaceDenied(reserve.Reservation));
                break;
            case ReservePlace reserve:
                var reserving = Of(reserve.Node);
                _nodes[reserve.Node] = reserving with { Clients = reserving.Clients + 1 };
                reserve.ReplyTo.Tell(new PlaceReserved(reserve.Reservation));
                break;
            case PlaceReleased released when _nodes.TryGetValue(released.Node, out var node):
                _nodes[released.Node] = node with { Clients = Math.Max(node.Clients - 1, 0) };
                break;
            case PlaceReleased:
                break;
            case NodeFigures figures:
                _nodes[figures.Node] = figures.Totals;
                figures.ReplyTo.Tell(new ClusterFigures(new Dictionary<string, NodeTotals>(_nodes)));
                break;
            case ClusterEvent.MemberRemoved removed:
                if (_nodes.Remove(removed.Member.Address.ToString(), out var gone) && gone.Clients > 0)
                    _log.Info("node {0} left: its {1} client(s) no longer count", removed.Member.Address, gone.Clients);
                break;
            case ClusterEvent.IClusterDomainEvent:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private NodeTotals Of(string node) => _nodes.GetValueOrDefault(node, NodeTotals.None);
}
