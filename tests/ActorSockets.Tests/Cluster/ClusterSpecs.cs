using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ActorSockets.Tests.Support;
using Xunit;
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
public sealed partial class ClusterSpecs(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Crash_of_the_store_node_loses_no_acknowledged_note_and_stores_none_twice()
    {
        await using var cluster = await TestCluster.StartAsync(3, "service=notes", $"notes.sqlite-path={_folder.File("notes.db")}");
        var storeNode = await cluster.SingletonNodeAsync("notes-store") ?? throw new Xunit.Sdk.XunitException("no notes store runs");
        var acknowledged = new ConcurrentDictionary<string, (long Id, string Text)>();
        var prefix = Guid.NewGuid().ToString("N")[..12];
        var next = 0;
        var crashed = false;
        var ackedAfterCrash = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        // Four writers, each POSTing through the nodes in turn with one tag per note, retrying a note
        // (same tag, same text) through the next node until it is acknowledged: as our client does.
        async Task Writer(int writer)
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                var (tag, text) = ($"{prefix}{n:D8}", $"note {n} by writer {writer}");
                for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
                {
                    var node = cluster.Alive.ElementAt((n + attempt) % cluster.Alive.Count());
                    var reply = await TryPostAsync(cluster, node, tag, text);
                    if (reply is not null && OkLine().Match(reply) is { Success: true } ok)
                    {
                        acknowledged[tag] = (long.Parse(ok.Groups[1].Value), text);
                        if (Volatile.Read(ref crashed))
                            Interlocked.Increment(ref ackedAfterCrash);
                        break;
                    }
                    await Task.Delay(100);
                }
            }
        }

        var writers = Enumerable.Range(1, 4).Select(Writer).ToList();
        await cluster.WaitUntilAsync(() => acknowledged.Count >= 20, TimeSpan.FromSeconds(30), "20 notes acknowledged before the crash");
        await cluster.CrashAsync(storeNode);
        Volatile.Write(ref crashed, true);
        var crashedAt = DateTime.UtcNow;
        await cluster.WaitUntilAsync(() => Volatile.Read(ref ackedAfterCrash) >= 20, TimeSpan.FromSeconds(60), "20 notes acknowledged after the crash");
        output.WriteLine($"20 notes acknowledged {(DateTime.UtcNow - crashedAt).TotalSeconds:F1} s after the crash of node {storeNode}");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var boards = new List<Dictionary<long, string>>();
        foreach (var node in cluster.Alive)
            boards.Add(await ReadBoardAsync(cluster, node));
        var board = boards[0];
        foreach (var other in boards.Skip(1))
            Assert.Equal(board, other); // every survivor serves the same board
        Assert.Equal(Enumerable.Range(1, board.Count).Select(id => (long)id), board.Keys.Order()); // ids 1, 2, 3, … without a gap
        foreach (var (tag, (id, text)) in acknowledged)
            Assert.True(board.TryGetValue(id, out var stored) && stored == text, $"acknowledged note {id} ({tag}: {text}) is not on the board as acknowledged");
        var twice = board.Values.GroupBy(text => text).Where(group => group.Count() > 1).Select(group => group.Key).ToList();
        Assert.True(twice.Count == 0, $"stored twice: {string.Join(", ", twice)}");
        output.WriteLine($"{acknowledged.Count} notes acknowledged, {board.Count} on the board");
    }

    [Fact]
    public async Task Clients_limit_counts_the_clients_of_the_whole_cluster()
    {
        await using var cluster = await TestCluster.StartAsync(3, "clients-limit=6", "timeout=off");
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
            await cluster.WaitUntilAsync(async () =>
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

    private static async Task<string?> TryPostAsync(TestCluster cluster, int node, string tag, string text)
    {
        try
        {
            await using var client = await TcpTestClient.ConnectAsync(cluster.EndPointOf(node));
            return await client.AskAsync($"@{tag} POST {text}", TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            return null; // the node is gone or did not answer: the writer retries through another
        }
    }

    private static async Task<Dictionary<long, string>> ReadBoardAsync(TestCluster cluster, int node)
    {
        await using var client = await TcpTestClient.ConnectAsync(cluster.EndPointOf(node));
        var header = await client.AskAsync("GET", TimeSpan.FromSeconds(15)) ?? throw new Xunit.Sdk.XunitException($"node {node}: no GET reply");
        var count = int.Parse(header.Split(' ')[2]);
        var board = new Dictionary<long, string>();
        for (var i = 0; i < count; i++)
        {
            var line = (await client.ReadLineAsync() ?? throw new Xunit.Sdk.XunitException($"node {node}: GET reply cut short")).TrimEnd('\n');
            var space = line.IndexOf(' ');
            board[long.Parse(line[..space])] = line[(space + 1)..];
        }
        return board;
    }

    [GeneratedRegex(@"^@\S+ OK (\d+)$")]
    private static partial Regex OkLine();
}
