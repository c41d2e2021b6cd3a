using ActorSockets.Protocol;
using ActorSockets.Server.Cluster;
using ActorSockets.Server.Hosting;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;

namespace ActorSockets.Tests.Cluster;

/// <summary>
/// One board per cluster (PROTOCOL.md section 7). Issue 19's finding: a node started with a database
/// of its own joined, took the store over when the first node left, and served its empty board
/// (two acknowledged notes gone, an id given twice). Now such a node leaves at join with exit code 3,
/// while a node on the cluster's database joins and stays.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class OneBoardSpecs : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static Task<RunningServer> StartNodeAsync(int port, int seedPort, string database) => RunningServer.StartNotesNodeAsync(port, seedPort, database);

    private static ActorSystem SystemOf(RunningServer node) => node.System;

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline && !condition())
            await Task.Delay(200);
        return condition();
    }

    [Fact]
    public async Task A_node_whose_database_holds_another_board_leaves_with_exit_3_and_the_boards_notes_stay()
    {
        var ports = LoopbackPorts.Free(3);
        var board = _folder.File("board.db");
        await using var first = await StartNodeAsync(ports[0], ports[0], board);
        await using (var client = await TcpTestClient.ConnectAsync(first.EndPoint))
        {
            string? reply = null;
            for (var attempt = 0; attempt < 50 && reply != "OK 1\n"; attempt++)
            {
                reply = await client.AskAsync("@note-one-0000000001 POST one");
                reply = reply?.Replace("@note-one-0000000001 ", "");
                if (reply != "OK 1\n")
                    await Task.Delay(200); // the store is still starting
            }
            Assert.Equal("OK 1\n", reply);
            Assert.Equal("@note-two-0000000001 OK 2\n", await client.AskAsync("@note-two-0000000001 POST two"));
        }

        await using (var stranger = await StartNodeAsync(ports[1], ports[0], _folder.File("other.db")))
        {
            var stopped = SystemOf(stranger).WhenTerminated;
            Assert.True(await WaitUntilAsync(() => stopped.IsCompleted, Bound), "a node with another board was not stopped");
            Assert.Equal(ExitCodes.BadConfig, ServerHosting.ExitCodeAfterStop(stranger.Services));
        }

        await using var second = await StartNodeAsync(ports[2], ports[0], board);
        var state = () => Akka.Cluster.Cluster.Get(SystemOf(first)).State;
        Assert.True(await WaitUntilAsync(() => state().Members.Count(m => m.Status == MemberStatus.Up) == 2, Bound),
            $"the first node sees {string.Join(", ", state().Members.Select(m => $"{m.Address.Port} {m.Status}"))}; unreachable: " +
            $"{string.Join(", ", state().Unreachable.Select(m => m.Address.Port))}; first stopped: {SystemOf(first).WhenTerminated.IsCompleted}; " +
            $"the second ({ports[2]}) is {Akka.Cluster.Cluster.Get(SystemOf(second)).SelfMember.Status}, sees " +
            $"{string.Join(", ", Akka.Cluster.Cluster.Get(SystemOf(second)).State.Members.Select(m => $"{m.Address.Port} {m.Status}"))}, " +
            $"stopped: {SystemOf(second).WhenTerminated.IsCompleted}");
        // Gossip has told it every member's board with the membership itself: had it found another, it would be leaving now.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(SystemOf(second).WhenTerminated.IsCompleted,
            $"a node on the cluster's own database was stopped ({StopReason(second)})");
        await using var reader = await TcpTestClient.ConnectAsync(second.EndPoint);
        Assert.Equal("NOTES 2 2\n", await reader.AskAsync("GET"));
    }

    /// <summary>
    /// CI's finding (stop 27): a stranger leaves at join, but when the gossip of its leave did not
    /// reach the cluster's node before it stopped, that node saw it vanish while a member. Two
    /// members, one gone: the resolver keeps the side with the lowest address, and when the stranger's
    /// was lower the cluster's own node downed itself. Here the stranger is a bare node that holds
    /// another board and vanishes without leaving (its system terminated, as a killed process): the
    /// cluster's node downs it, stays up, and keeps serving its board.
    /// </summary>
    [Fact]
    public async Task A_stranger_that_vanishes_before_its_leave_is_seen_is_downed_and_the_clusters_node_stays()
    {
        var ports = LoopbackPorts.Free(2).Order().ToArray();
        var (strangerPort, firstPort) = (ports[0], ports[1]); // the stranger's address is the lower: the resolver would keep its side
        await using var first = await StartNodeAsync(firstPort, firstPort, _folder.File("board.db"));
        var cluster = Akka.Cluster.Cluster.Get(SystemOf(first));
        var stranger = await JoinBareStrangerAsync(strangerPort, first);
        try
        {
            var strangerAddress = Akka.Cluster.Cluster.Get(stranger).SelfAddress;
            await stranger.Terminate().WaitAsync(Bound);

            Assert.True(await WaitUntilAsync(() => SystemOf(first).WhenTerminated.IsCompleted || cluster.State.Members.All(m => !m.Address.Equals(strangerAddress)), Bound),
                "the vanished stranger was neither removed nor did the cluster's node stop");
            Assert.False(SystemOf(first).WhenTerminated.IsCompleted,
                $"the cluster's own node stopped ({StopReason(first)})");
            await using var reader = await TcpTestClient.ConnectAsync(first.EndPoint);
            Assert.Equal("NOTES 0 0\n", await reader.AskAsync("GET"));
        }
        finally
        {
            await stranger.Terminate();
        }
    }

    /// <summary>
    /// A bare cluster node that holds another board, joined to <paramref name="seed"/>'s cluster and
    /// Up there: Akka's cluster with a board role and nothing of ours, so it never leaves on its own;
    /// terminating it is a crash (it does not leave either).
    /// </summary>
    private static async Task<ActorSystem> JoinBareStrangerAsync(int port, RunningServer seed)
    {
        var seedAddress = Akka.Cluster.Cluster.Get(SystemOf(seed)).SelfAddress;
        var stranger = ActorSystem.Create("ActorSockets", ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{port}} }
            akka.cluster.seed-nodes = ["{{seedAddress}}"]
            akka.cluster.roles = ["{{BoardCheckActor.RoleOf("0123456789abcdef0123456789abcdef")}}"]
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            akka.loglevel = WARNING
            """).WithFallback(ClusterMessageSerializer.Hocon));
        var address = Akka.Cluster.Cluster.Get(stranger).SelfAddress;
        if (!await WaitUntilAsync(() => Akka.Cluster.Cluster.Get(SystemOf(seed)).State.Members.Any(m => m.Address.Equals(address) && m.Status == MemberStatus.Up), Bound))
        {
            await stranger.Terminate();
            Assert.Fail("the stranger did not become a member");
        }
        return stranger;
    }

    /// <summary>Why <paramref name="node"/>'s actor system stopped, for a failure's message.</summary>
    private static string StopReason(RunningServer node) =>
        CoordinatedShutdown.Get(SystemOf(node)).ShutdownReason?.GetType().Name ?? "no reason";

    /// <summary>
    /// CI's second finding in this test class (stop 28): a node on the cluster's database joined while a
    /// stranger with a lower address was still a member (leaving, not yet removed), and left with exit
    /// 3, naming the stranger's board as the cluster's. Akka publishes a new member's view as one event
    /// per member, in address order; the check judged after the stranger's event, before the oldest
    /// member's, from a view that held only the stranger. Here the stranger stays a member: a node on
    /// the cluster's database joins after it and stays.
    /// </summary>
    [Fact]
    public async Task A_node_on_the_clusters_database_that_joins_beside_a_stranger_with_a_lower_address_stays()
    {
        var ports = LoopbackPorts.Free(3).Order().ToArray();
        var (strangerPort, firstPort, secondPort) = (ports[0], ports[1], ports[2]);
        var board = _folder.File("board.db");
        await using var first = await StartNodeAsync(firstPort, firstPort, board);
        var stranger = await JoinBareStrangerAsync(strangerPort, first);
        try
        {
            await using var second = await StartNodeAsync(secondPort, firstPort, board);
            Assert.True(await WaitUntilAsync(() => SystemOf(second).WhenTerminated.IsCompleted
                || Akka.Cluster.Cluster.Get(SystemOf(second)).SelfMember.Status == MemberStatus.Up, Bound), "the second node neither joined nor stopped");
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(SystemOf(second).WhenTerminated.IsCompleted,
                $"a node on the cluster's own database was stopped ({StopReason(second)})");
        }
        finally
        {
            await stranger.Terminate();
        }
    }
}
