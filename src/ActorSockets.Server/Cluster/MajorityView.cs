using Akka.Cluster;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// Whether this node sees a majority of the cluster's members now, itself included, by its own
/// failure detector: a member counts as seen while its heartbeats arrive (Akka's phi accrual
/// detector, judged against this node's monotonic clock at the moment of asking). The notes store
/// asks it before every write (<see cref="Notes.NotesStoreSupervisor"/>).
/// </summary>
/// <remarks>
/// Why this fences a store that lost its place: the others take the store over only after they
/// too have missed its heartbeats (about 4 s), then the resolver's <c>stable-after</c> (2 s), the
/// removal, and the singleton's removal margin (2 s more). This node stops seeing them after the
/// same silence, so it stops writing seconds before a new store can start. A paused process sees
/// it at once on waking: its last heartbeats are as old as the pause, whatever waited in its mailbox.
/// Akka monitors at most <c>monitored-by-nr-of-members</c> (9) others per node; in a larger cluster
/// the rest count as seen.
/// </remarks>
public sealed class MajorityView(Akka.Cluster.Cluster cluster)
{
    /// <summary>
    /// Members seen and members counted: this node, and every other member that is up. One that is
    /// leaving has handed its singletons over and is going by choice, and a joining one is not yet
    /// watched: neither may make a store on the remaining nodes lose its majority (a two-node
    /// cluster would stop writing while one node left).
    /// </summary>
    public (int Seen, int Members) Count()
    {
        int seen = 0, members = 0;
        foreach (var member in cluster.State.Members)
        {
            if (member.Status != MemberStatus.Up && !member.Address.Equals(cluster.SelfAddress))
                continue;
            members++;
            if (member.Address.Equals(cluster.SelfAddress) || cluster.FailureDetector.IsAvailable(member.Address))
                seen++;
        }
        return (seen, members);
    }

    /// <summary>
    /// How long after the last heartbeat the others have surely downed this node and moved its
    /// singletons: a heartbeat interval, the failure detector's acceptable pause, the resolver's
    /// <c>stable-after</c> and the removal margin, from this node's settings (every node has the same).
    /// </summary>
    public TimeSpan DownedAfter
    {
        get
        {
            var detector = cluster.Settings.FailureDetectorConfig;
            return detector.GetTimeSpan("heartbeat-interval") + detector.GetTimeSpan("acceptable-heartbeat-pause")
                + cluster.System.Settings.Config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after")
                + cluster.DowningProvider.DownRemovalMargin;
        }
    }

    /// <summary>The notes store's fence in cluster mode; <paramref name="anotherBoard"/> names a member whose journal holds another board.</summary>
    public Notes.StoreFence Fence(Func<string?>? anotherBoard) => new(Count, DownedAfter, anotherBoard);
}
