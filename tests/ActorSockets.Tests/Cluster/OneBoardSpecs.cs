using ActorSockets.Protocol;
using ActorSockets.Server.Hosting;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.Cluster;

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
        var ports = TestCluster.FreePorts(3);
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
        Assert.True(await WaitUntilAsync(() => Akka.Cluster.Cluster.Get(SystemOf(first)).State.Members.Count(m => m.Status == MemberStatus.Up) == 2, Bound));
        // Gossip has told it every member's board with the membership itself: had it found another, it would be leaving now.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(SystemOf(second).WhenTerminated.IsCompleted,
            $"a node on the cluster's own database was stopped ({CoordinatedShutdown.Get(SystemOf(second)).ShutdownReason?.GetType().Name ?? "no reason"})");
        await using var reader = await TcpTestClient.ConnectAsync(second.EndPoint);
        Assert.Equal("NOTES 2 2\n", await reader.AskAsync("GET"));
    }
}
