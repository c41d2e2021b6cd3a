using System.Net;
using ActorSockets.Tests.Operations;
using ActorSockets.Tests.Support;
using Xunit.Abstractions;

namespace ActorSockets.Tests.Cluster;

/// <summary>
/// Issue 22, point 3, in cluster mode: a node whose notes store is moving is not ready. The store's
/// node crashes; until the others have downed it and the store runs again elsewhere, a surviving
/// node's reads wait in its singleton proxy, so <c>/readyz</c> answers 503; then 200 again.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class ReadinessSpecs(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_node_is_not_ready_while_the_store_moves_and_ready_once_it_runs_again()
    {
        await using var cluster = await TestCluster.StartAsync(3, "service=notes", $"notes.sqlite-path={_folder.File("notes.db")}",
            "metrics.prometheus=127.0.0.1:0");
        var storeNode = await cluster.SingletonNodeAsync("notes-store") ?? throw new Xunit.Sdk.XunitException("no notes store runs");
        var survivor = cluster.Alive.First(node => node != storeNode);
        using var probe = new HttpProbe(cluster.ServicesOf(survivor));
        var ready = await probe.WaitForAsync("/readyz", HttpStatusCode.OK, Bound);
        Assert.True(ready.Status == HttpStatusCode.OK, ready.Body);

        await cluster.CrashAsync(storeNode);
        var moving = await probe.WaitForAsync("/readyz", HttpStatusCode.ServiceUnavailable, Bound);
        Assert.True(moving.Status == HttpStatusCode.ServiceUnavailable, moving.Body);
        output.WriteLine($"while the store moves: {moving.Body.Trim()}");
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/healthz")).Status);

        var again = await probe.WaitForAsync("/readyz", HttpStatusCode.OK, Bound);
        Assert.True(again.Status == HttpStatusCode.OK, again.Body);
        output.WriteLine($"after: {again.Body.Trim()}");
    }
}
