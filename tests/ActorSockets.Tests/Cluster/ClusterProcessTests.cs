using System.Net;
using System.Text.RegularExpressions;
using ActorSockets.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorSockets.Tests.Cluster;

/// <summary>
/// Three real server processes as one cluster on one SQLite file, as README's walk-through runs them;
/// the node that holds the notes store (as its log says) is killed with SIGKILL while clients write
/// through all three and retry through the survivors.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class ClusterProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string StoreLine = @"notes store starting on this node \(akka\.tcp://ActorSockets@127\.0\.0\.1:(\d+)\)";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Kill_9_of_the_store_node_loses_nothing_acknowledged_and_the_survivors_agree()
    {
        var clusterPorts = TestCluster.FreePorts(3);
        var seeds = string.Join(",", clusterPorts.Select(port => $"127.0.0.1:{port}"));
        var nodes = new List<(ProcessRunner Server, IPEndPoint EndPoint)>();
        try
        {
            foreach (var clusterPort in clusterPorts)
            {
                nodes.Add(await ServerProcess.StartAsync("--port", "0", "--set", "service=notes",
                    "--set", $"notes.sqlite-path={_folder.File("notes.db")}", "--set", "cluster.enabled=on",
                    "--set", $"cluster.port={clusterPort}", "--set", $"cluster.seed-nodes={seeds}"));
            }
            foreach (var (_, endPoint) in nodes)
                await WaitForStatsAsync(endPoint, " nodes=3", TimeSpan.FromSeconds(40));

            // The node that runs the store says so in its log, with its cluster port.
            var storeNode = -1;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (storeNode < 0 && DateTime.UtcNow < deadline)
            {
                storeNode = nodes.FindIndex(node => Regex.Match(node.Server.Stdout, StoreLine) is { Success: true } line
                    && int.Parse(line.Groups[1].Value) == clusterPorts[nodes.IndexOf(node)]);
                await Task.Delay(100);
            }
            Assert.True(storeNode >= 0, "no node logged that it runs the notes store");

            var killed = false;
            var writers = new NotesWriters(() => [.. nodes.Where((_, i) => !(Volatile.Read(ref killed) && i == storeNode)).Select(node => node.EndPoint)], writers: 4);
            await TestCluster.WaitUntilAsync(() => writers.Acknowledged.Count >= 30, TimeSpan.FromSeconds(30), "30 notes acknowledged through the three nodes");
            nodes[storeNode].Server.KillHard();
            Volatile.Write(ref killed, true);
            writers.Mark();
            var killedAt = DateTime.UtcNow;
            await TestCluster.WaitUntilAsync(() => writers.AcknowledgedSinceMark >= 30, TimeSpan.FromSeconds(60), "30 notes acknowledged after the kill");
            output.WriteLine($"30 notes acknowledged {(DateTime.UtcNow - killedAt).TotalSeconds:F1} s after kill -9 of the store's node");
            await writers.StopAsync();

            var survivors = nodes.Where((_, i) => i != storeNode).Select(node => node.EndPoint).ToList();
            var board = await writers.AssertBoardsHoldEveryNoteOnceAsync(survivors);
            output.WriteLine($"{writers.Acknowledged.Count} notes acknowledged, {board.Count} on the board of both survivors");
            var newStore = nodes.Where((_, i) => i != storeNode).Count(node => Regex.Matches(node.Server.Stdout, StoreLine).Count > 0);
            Assert.Equal(1, newStore); // the store moved to exactly one survivor
        }
        finally
        {
            foreach (var (server, _) in nodes)
                await server.DisposeAsync();
        }
    }

    private static async Task WaitForStatsAsync(IPEndPoint node, string expected, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        string? stats = null;
        while (DateTime.UtcNow < deadline)
        {
            await using (var client = await TcpTestClient.ConnectAsync(node))
                stats = await client.AskAsync("STATS");
            if (stats?.TrimEnd('\n').EndsWith(expected, StringComparison.Ordinal) == true)
                return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"{node}: STATS did not end with '{expected}' within {wait.TotalSeconds} s (last: {stats})");
    }
}
