using ActorSockets.Server;
using ActorSockets.Tests.Support;
using Akka.Cluster;

namespace ActorSockets.Tests.Cluster;

/// <summary>
/// No clock reading crosses between nodes (PROTOCOL.md section 7). Issue 19's finding: with the
/// store's node 15 s ahead, every POST through the other nodes got <c>ERR storage</c> at once, since
/// a note's deadline was a wall-clock instant set on one node and judged on another. Here two nodes'
/// clocks differ by ten minutes each way from the store's (an injected clock, as two machines'
/// monotonic clocks differ by their uptimes): every note through either is stored, answered once,
/// and on the board in order.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class ClockSkewSpecs : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Task<RunningServer> StartNodeAsync(int port, int seedPort, TimeSpan clockOffset) =>
        RunningServer.StartNotesNodeAsync(port, seedPort, _folder.File("board.db"),
            $"actor-sockets.testing.clock-offset-ms = {(long)clockOffset.TotalMilliseconds}");

    [Fact]
    public async Task Notes_through_nodes_whose_clocks_differ_by_minutes_are_all_stored_once()
    {
        var ports = LoopbackPorts.Free(3);
        // The first node is the oldest: the store runs there.
        await using var store = await StartNodeAsync(ports[0], ports[0], TimeSpan.Zero);
        await using var ahead = await StartNodeAsync(ports[1], ports[0], TimeSpan.FromMinutes(10));
        await using var behind = await StartNodeAsync(ports[2], ports[0], TimeSpan.FromMinutes(-10));
        await TestCluster.WaitUntilAsync(() => Akka.Cluster.Cluster.Get(store.System).State.Members.Count(m => m.Status == MemberStatus.Up) == 3,
            Bound, "three nodes up");
        Assert.InRange(NodeClock.Of(ahead.System).NowMs - NodeClock.Of(behind.System).NowMs, 1_199_000, 1_201_000);

        var ids = new List<string>();
        foreach (var (node, name) in new[] { (ahead, "ahead"), (behind, "behind"), (ahead, "ahead"), (behind, "behind") })
        {
            await using var client = await TcpTestClient.ConnectAsync(node.EndPoint);
            var tag = $"@{name}-{ids.Count:D2}-0123456789";
            string? reply = null;
            // The store may still be starting (ERR storage: store unavailable, retry): retry with the same key.
            for (var attempt = 0; attempt < 50 && reply?.StartsWith($"{tag} OK ") != true; attempt++)
            {
                reply = await client.AskAsync($"{tag} POST through {name}");
                if (reply?.StartsWith($"{tag} OK ") != true)
                    await Task.Delay(200);
            }
            Assert.StartsWith($"{tag} OK ", reply);
            ids.Add(reply![(tag.Length + 4)..].TrimEnd('\n'));
        }

        Assert.Equal(["1", "2", "3", "4"], ids);
        await using var reader = await TcpTestClient.ConnectAsync(store.EndPoint);
        Assert.Equal("NOTES 4 4\n", await reader.AskAsync("GET"));
    }
}
