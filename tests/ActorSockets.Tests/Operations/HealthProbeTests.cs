using System.Net;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Operations;

/// <summary>Issue 22, point 3: <c>/healthz</c> (alive) and <c>/readyz</c> (ready), 200 or 503 with a one-line reason.</summary>
public sealed class HealthProbeTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_notes_server_is_alive_once_bound_and_ready_once_its_store_answers()
    {
        await using var server = await RunningServer.StartAsync("service=notes", $"notes.sqlite-path={_folder.File("notes.db")}",
            "metrics.prometheus=127.0.0.1:0");
        using var probe = new HttpProbe(server.Services);

        var alive = await probe.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, alive.Status);
        Assert.Equal($"ok: listening on {server.EndPoint}\n", alive.Body);
        var ready = await probe.WaitForAsync("/readyz", HttpStatusCode.OK, Bound);
        Assert.True(ready.Status == HttpStatusCode.OK, ready.Body);
        Assert.Matches(@"^ok: listening on [0-9.:]+; notes store answered in \d+ ms\n$", ready.Body);
    }

    [Fact]
    public async Task A_cluster_node_that_has_not_joined_is_alive_but_not_ready()
    {
        var ports = LoopbackPorts.Free(2); // the seed's port: nobody listens there
        await using var node = await RunningServer.StartNotesNodeAsync(ports[0], ports[1], _folder.File("notes.db"), akka: null,
            "metrics.prometheus=127.0.0.1:0");
        using var probe = new HttpProbe(node.Services);

        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/healthz")).Status);
        var (status, body) = await probe.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Matches(@"^failing: this cluster node is \w+, not Up\n$", body);
    }
}
