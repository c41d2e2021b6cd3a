using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// One board per cluster (PROTOCOL.md section 7), checked as a node joins. Every node carries the
/// board its journal holds as a cluster role, <c>board-&lt;identity&gt;</c> (<see cref="RoleOf"/>),
/// which Akka's gossip gives every member with the membership itself: no store has to answer, so a
/// node cannot slip in while the store moves. A node whose board is not the oldest member's leaves
/// the cluster and stops, with one line naming both boards and exit code 3, before it could ever
/// take the store over and serve its own board in place of the cluster's (issue 19: two
/// acknowledged notes vanished that way). The oldest member's board is the one the cluster has
/// served, so it stays. An oldest member without a board role (a node of an earlier build, during
/// a rolling upgrade) is not compared.
/// <para>
/// The nodes on the cluster's board down a stranger that becomes unreachable, at once. It was
/// leaving anyway, but when the gossip of its leave did not reach them before it stopped, it looks
/// like a member gone missing, and the resolver, keeping the side with the lowest address in an even
/// split, had a single node of the cluster's board down itself for a stranger with a lower address.
/// </para>
/// </summary>
public sealed class BoardCheckActor : ReceiveActor
{
    private const string RolePrefix = "board-";
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _ownIdentity;
    private readonly string _where;
    private bool _leaving;

    public BoardCheckActor(string ownIdentity, string where)
    {
        _ownIdentity = ownIdentity;
        _where = where;
        // Judged only on a whole view. Akka publishes a change as one event per member, in address
        // order, and the cluster's read view (Cluster.State) follows those events on an actor of its
        // own: read between two of them, it may hold a leaving stranger with a lower address and not
        // yet the oldest member (CI saw a node on the cluster's database leave that way). The
        // publisher answers SendCurrentClusterState after it has published the whole change.
        Receive<ClusterEvent.CurrentClusterState>(state => Check(state.Members, state.Unreachable));
        Receive<ClusterEvent.IMemberEvent>(_ => _cluster.SendCurrentClusterState(Self));
        Receive<ClusterEvent.UnreachableMember>(_ => _cluster.SendCurrentClusterState(Self));
    }

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.UnreachableMember));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    public static Props Props(string ownIdentity, string where) => Akka.Actor.Props.Create(() => new BoardCheckActor(ownIdentity, where));

    /// <summary>The role that says a node's journal holds board <paramref name="identity"/>.</summary>
    public static string RoleOf(string identity) => RolePrefix + identity;

    /// <summary>The board <paramref name="member"/>'s journal holds; null for a node of an earlier build.</summary>
    public static string? BoardOf(Member member) =>
        member.Roles.FirstOrDefault(role => role.StartsWith(RolePrefix, StringComparison.Ordinal)) is { } role ? role[RolePrefix.Length..] : null;

    /// <summary>A member of <paramref name="cluster"/> whose journal holds another board than <paramref name="identity"/>, if any.</summary>
    public static Member? HoldingAnotherBoard(Akka.Cluster.Cluster cluster, string identity) =>
        cluster.State.Members.FirstOrDefault(member => BoardOf(member) is { } board && board != identity);

    /// <summary>
    /// The cluster's board is the one its oldest member holds (the store runs there, or started
    /// there): a node that holds another leaves. Only the oldest counts, so a node on the cluster's
    /// database is never sent away by a stranger that joined before it and is still leaving. A node
    /// that holds the cluster's board downs the strangers it finds unreachable.
    /// </summary>
    private void Check(IEnumerable<Member> members, IEnumerable<Member> unreachable)
    {
        // This node as the same view has it (not yet a member: nothing to judge). A node that is itself
        // leaving or downed compares nothing: its oldest is no longer the cluster's.
        var self = members.FirstOrDefault(member => member.UniqueAddress.Equals(_cluster.SelfUniqueAddress));
        if (_leaving || self?.Status is not (MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up))
            return;
        var oldest = members.Where(member => member.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting)
            .OrderBy(member => member, Member.AgeOrdering).FirstOrDefault();
        if (oldest is null || BoardOf(oldest) is not { } board)
            return;
        if (board == _ownIdentity)
            DownVanishedStrangers(unreachable);
        else
            Leave(board, oldest);
    }

    private void DownVanishedStrangers(IEnumerable<Member> unreachable)
    {
        foreach (var stranger in unreachable.Where(member => member.Status != MemberStatus.Down && BoardOf(member) is { } board && board != _ownIdentity))
        {
            _log.Warning("member {0} holds board {1}, not the cluster's, and is unreachable: downing it", stranger.Address, BoardOf(stranger));
            _cluster.Down(stranger.Address);
        }
    }

    private void Leave(string board, Member oldest)
    {
        _leaving = true;
        _log.Error("this node's notes database {0} holds board {1}, but the cluster's board is {2} (held by {3}): " +
            "every node must use the cluster's database; leaving the cluster", _where, _ownIdentity, board, oldest.Address);
        CoordinatedShutdown.Get(Context.System).Run(AnotherBoard.Instance);
    }

    /// <summary>Why a node stopped: its database holds another board than the cluster's (exit code 3).</summary>
    public sealed class AnotherBoard : CoordinatedShutdown.Reason
    {
        public static readonly AnotherBoard Instance = new();
        private AnotherBoard() { }

        /// <summary>Akka does not end the process (exit-clr is off): the host returns <see cref="Protocol.ExitCodes.BadConfig"/>.</summary>
        public override int ExitCode => Protocol.ExitCodes.BadConfig;
    }
}
