using System.Reflection;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSockets.Tests.EndToEnd;

/// <summary>What a started server has done before its first client arrives.</summary>
public class ServerStartTests
{
    /// <summary>
    /// Akka starts its scheduler on first use, with a blocking wait in the caller. When that caller was
    /// the first sessions (idle timeout off, fifty UDP clients at once) they starved the thread pool and
    /// a fresh server stalled for seconds, about one start in six under the benchmark. The server now
    /// starts the scheduler itself. Akka's worker state is private, hence reflection; if Akka renames
    /// it, this test fails and says so.
    /// </summary>
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task The_scheduler_runs_before_the_first_client_even_with_no_idle_timeout(string transport)
    {
        await using var server = await RunningServer.StartAsync($"transport={transport}", "timeout=off");
        var scheduler = server.Services.GetRequiredService<ActorSystem>().Scheduler;
        Assert.IsType<HashedWheelTimerScheduler>(scheduler);
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var state = typeof(HashedWheelTimerScheduler).GetField("_workerState", Private);
        var started = typeof(HashedWheelTimerScheduler).GetField("WORKER_STATE_STARTED", Private);
        Assert.True(state is not null && started is not null, "Akka's HashedWheelTimerScheduler no longer has _workerState / WORKER_STATE_STARTED");
        Assert.Equal(Convert.ToInt64(started.GetValue(null), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(state.GetValue(scheduler), System.Globalization.CultureInfo.InvariantCulture));
    }
}
