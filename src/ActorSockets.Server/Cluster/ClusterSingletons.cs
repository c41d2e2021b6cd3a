using ActorSockets.Server.Notes;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// The actors a cluster has one of (PROTOCOL.md section 7), as Akka cluster singletons: each runs on
/// the oldest node, and moves to the next oldest when that node leaves or is downed. Every node starts
/// a singleton manager for each and talks to it through a proxy, which finds it wherever it runs.
/// </summary>
public static class ClusterSingletons
{
    /// <summary>
    /// The notes store (<see cref="NotesStoreSupervisor"/>), which takes the database's lock where it runs.
    /// Its proxy holds requests while it moves; the sessions bound their wait
    /// (<see cref="ServerTuning.ServiceTimeout"/>) and answer <c>ERR storage: store unavailable, retry</c>
    /// when it runs out. Returns this node's <see cref="NotesStoreRelay"/> in front of the proxy, for the sessions.
    /// </summary>
    public static IActorRef StartNotesStore(ActorSystem system, NotesDatabase? database, JournalBoard? board, int maxNotes)
    {
        // Every node starts its journal and snapshot store now (their connections, and the code's
        // first run): the node that takes the store over after a crash then recovers the board in
        // a fraction of the time, which is most of a move's time after Akka's own.
        var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
        persistence.JournalFor(null);
        persistence.SnapshotStoreFor(null);
        var cluster = Akka.Cluster.Cluster.Get(system);
        var majority = new MajorityView(cluster);
        var store = NotesStoreSupervisor.Props(ServerTuning.SnapshotEvery, database, board?.Identity,
                majority.Fence(board is null ? null : () => BoardCheckActor.HoldingAnotherBoard(cluster, board.Identity)?.Address.ToString()), maxNotes);
        var proxy = Start(system, "notes-store", store, NotesStoreSupervisor.HandOver.Instance, ClusterSingletonProxySettings.Create(system));
        if (board is not null)
            system.ActorOf(BoardCheckActor.Props(board.Identity, board.Where), "board-check");
        return system.ActorOf(NotesStoreRelay.Props(proxy), "notes-store-relay");
    }

    /// <summary>
    /// The cluster's clients count (<see cref="ClusterCountActor"/>). Its proxy buffers nothing: an
    /// admission that finds no count is decided by the limiter's own short wait. Returns the proxy.
    /// </summary>
    public static IActorRef StartClientsCount(ActorSystem system, int limit) =>
        Start(system, "clients-count", ClusterCountActor.Props(limit), PoisonPill.Instance,
            ClusterSingletonProxySettings.Create(system).WithBufferSize(0));

    private static IActorRef Start(ActorSystem system, string name, Props singleton, object handOver, ClusterSingletonProxySettings proxy)
    {
        system.ActorOf(ClusterSingletonManager.Props(singleton, handOver, ClusterSingletonManagerSettings.Create(system)), name);
        return system.ActorOf(ClusterSingletonProxy.Props($"/user/{name}", proxy), $"{name}-proxy");
    }
}
