using ActorSockets.Tests.Support;
using Xunit.Abstractions;

namespace ActorSockets.Tests.Cluster;

/// <summary>Cluster tests run alone: three nodes' failure detectors in one busy process must not also compete with the rest of the suite.</summary>
[CollectionDefinition(nameof(ClusterCollection), DisableParallelization = true)]
public sealed class ClusterCollection;

/// <summary>
/// Cluster mode (PROTOCOL.md section 7) with three nodes in this process: one board for the
/// cluster that loses nothing and stores nothing twice when the store's node crashes, and one
/// clients limit for the cluster.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class ClusterSpecs(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Crash_of_the_store_node_loses_no_acknowledged_note_and_stores_none_twice()
    {
        await using var cluster = await TestCluster.StartAsync(3, "service=notes", $"notes.sqlite-path={_folder.File("notes.db")}");
        var storeNode = await cluster.SingletonNodeAsync("notes-store") ?? throw new Xunit.Sdk.XunitException("no notes store runs");
        var writers = new NotesWriters(() => [.. cluster.Alive.Select(cluster.EndPointOf)], writers: 4);
        await TestCluster.WaitUntilAsync(() => writers.Acknowledged.Count >= 20, TimeSpan.FromSeconds(30), "20 notes acknowledged before the crash");
        await cluster.CrashAsync(storeNode);
        writers.Mark();
        var crashedAt = DateTime.UtcNow;
        await TestCluster.WaitUntilAsync(() => writers.AcknowledgedSinceMark >= 20, TimeSpan.FromSeconds(60), "20 notes acknowledged after the crash");
        output.WriteLine($"20 notes acknowledged {(DateTime.UtcNow - crashedAt).TotalSeconds:F1} s after the crash of node {storeNode}");
        await writers.StopAsync();

        var board = await writers.AssertBoardsHoldEveryNoteOnceAsync(cluster.Alive.Select(cluster.EndPointOf));
        output.WriteLine($"{writers.Acknowledged.Count} notes acknowledged, {board.Count} on the board");
    }

    [Fact]
    public async Task A_partitioned_store_node_stops_and_the_majority_writes_on_alone()
    {
        await using var cluster = await TestCluster.StartAsync(3, partitionable: true, "service=notes", $"notes.sqlite-path={_folder.File("notes.db")}");
        var storeNode = await cluster.SingletonNodeAsync("notes-store") ?? throw new Xunit.Sdk.XunitException("no notes store runs");
        var everyNode = Enumerable.Range(0, cluster.Count).Select(cluster.EndPointOf).ToList();
        // Writers go on through all three nodes, the cut-off one included, as clients that know nothing of the partition.
        var writers = new NotesWriters(() => everyNode, writers: 4);
        await TestCluster.WaitUntilAsync(() => writers.Acknowledged.Count >= 20, TimeSpan.FromSeconds(30), "20 notes acknowledged before the partition");
        await cluster.PartitionAsync(storeNode);
        writers.Mark();
        var cutAt = DateTime.UtcNow;

        // The minority (one node of three) downs itself and stops: its store with it.
        await cluster.WaitForStopAsync(storeNode, TimeSpan.FromSeconds(60));
        output.WriteLine($"the cut-off node stopped {(DateTime.UtcNow - cutAt).TotalSeconds:F1} s after the partition");
        await TestCluster.WaitUntilAsync(() => writers.AcknowledgedSinceMark >= 20, TimeSpan.FromSeconds(60), "20 notes acknowledged after the partition");
        await writers.StopAsync();

        // One writer at a time: the majority's board holds every acknowledged note once, ids without a gap.
        var board = await writers.AssertBoardsHoldEveryNoteOnceAsync(cluster.Alive.Select(cluster.EndPointOf));
        output.WriteLine($"{writers.Acknowledged.Count} notes acknowledged, {board.Count} on the board");
    }

    [Fact]
    public async Task While_the_count_cannot_be_reached_nodes_admit_no_more_than_their_share()
    {
        await using var cluster = await TestCluster.StartAsync(3, "clients-limit=6", "timeout=off");
        var countNode = await cluster.SingletonNodeAsync("clients-count") ?? throw new Xunit.Sdk.XunitException("no clients count runs");
        await cluster.CrashAsync(countNode);

        // At once, before the count has moved: the survivors' reservations go to the dead node, and
        // after their wait each admits up to its share, 6 / 3 nodes (the dead one is still a member).
        var held = new List<TcpTestClient>();
        try
        {
            var survivors = cluster.Alive.ToList();
            var burst = Enumerable.Range(0, 20).Select(async i =>
            {
                var client = await TcpTestClient.ConnectAsync(cluster.EndPointOf(survivors[i % survivors.Count]));
                lock (held)
                    held.Add(client);
                return (await client.AskAsync("PING", TimeSpan.FromSeconds(15)))?.TrimEnd('\n');
            });
            var replies = await Task.WhenAll(burst);
            output.WriteLine(string.Join(" | ", replies.GroupBy(reply => reply).Select(group => $"{group.Key} ×{group.Count()}")));
            Assert.All(replies, reply => Assert.True(reply is "PONG" || reply?.StartsWith("ERR busy:", StringComparison.Ordinal) == true, reply));
            // PROTOCOL.md section 7: never more than the limit plus one share while the count is unreachable.
            Assert.InRange(replies.Count(reply => reply == "PONG"), 1, 6 + 2);
        }
        finally
        {
            foreach (var client in held)
                await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Clients_limit_counts_the_clients_of_the_whole_cluster()
    {
        await using var cluster = await TestCluster.StartAsync(3, "clients-limit=6", "timeout=off");
        // A count that has just started lets nodes go by their share until it has heard them all
        // (two report periods): wait that out, so that this test sees the count itself at work.
        await Task.Delay(ActorSockets.Server.ServerTuning.ClusterFiguresInterval * 3);
        var held = new List<TcpTestClient>();
        try
        {
            // Four clients on the first node, then the others' STATS show them: the count has them.
            for (var i = 0; i < 4; i++)
            {
                var client = await TcpTestClient.ConnectAsync(cluster.EndPointOf(0));
                held.Add(client);
                Assert.Equal("PONG\n", await client.AskAsync("PING"));
            }
            var watcher = await TcpTestClient.ConnectAsync(cluster.EndPointOf(1));
            held.Add(watcher);
            string? stats = null;
            await TestCluster.WaitUntilAsync(async () =>
            {
                stats = (await watcher.AskAsync("STATS"))?.TrimEnd('\n');
                return stats?.StartsWith("STATS clients=5/6 ", StringComparison.Ordinal) == true;
            }, TimeSpan.FromSeconds(20), "node 2 sees the cluster's 5 clients (4 held on node 1, and its own)");
            Assert.EndsWith(" nodes=3", stats);

            // A burst of 18 newcomers, 6 on each node at once: the cluster has 1 place left.
            var burst = Enumerable.Range(0, 18).Select(async i =>
            {
                var client = await TcpTestClient.ConnectAsync(cluster.EndPointOf(i % 3));
                lock (held)
                    held.Add(client);
                return (await client.AskAsync("PING"))?.TrimEnd('\n');
            });
            var replies = await Task.WhenAll(burst);
            output.WriteLine(string.Join(" | ", replies.GroupBy(reply => reply).Select(group => $"{group.Key} ×{group.Count()}")));
            Assert.All(replies, reply => Assert.True(reply is "PONG" || reply?.StartsWith("ERR busy: clients limit 6 reached", StringComparison.Ordinal) == true, reply));
            Assert.Equal(1, replies.Count(reply => reply == "PONG"));
        }
        finally
        {
            foreach (var client in held)
                await client.DisposeAsync();
        }
    }
}
