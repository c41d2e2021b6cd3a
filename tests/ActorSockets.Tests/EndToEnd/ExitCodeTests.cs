using ActorSockets.Protocol;
using ActorSockets.Server.Hosting;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSockets.Tests.EndToEnd;

/// <summary>
/// A node the cluster downs stops its server like any shutdown, but must not exit 0: a service
/// manager restarts only what failed. A stop by Ctrl+C or SIGTERM still exits 0.
/// </summary>
public class ExitCodeTests
{
    [Fact]
    public async Task A_server_stopped_by_the_clusters_downing_exits_with_downed_and_one_stopped_by_hand_with_ok()
    {
        await using (var downed = await RunningServer.StartAsync())
        {
            var system = downed.Services.GetRequiredService<ActorSystem>();
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterDowningReason.Instance);
            Assert.Equal(ExitCodes.Downed, ServerHosting.ExitCodeAfterStop(downed.Services));
        }
        await using var stopped = await RunningServer.StartAsync();
        await stopped.StopAsync();
        Assert.Equal(ExitCodes.Ok, ServerHosting.ExitCodeAfterStop(stopped.Services));
    }
}
