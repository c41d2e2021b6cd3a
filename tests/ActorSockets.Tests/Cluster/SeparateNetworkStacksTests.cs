using System.Diagnostics;
using ActorSockets.Tests.Support;
using Xunit.Abstractions;

namespace ActorSockets.Tests.Cluster;

/// <summary>
/// The crash and the cut of scripts/cluster/netns.sh, in CI: three nodes, each in a network
/// namespace of its own with its own address and certificate, four writers through all of them and
/// one inside the store's namespace; kill -9 of the store's node, then (on a fresh cluster) its link
/// set down for 15 s (the script's own run cuts for 30 s; 15 is past the downing, about 7 s). The script checks the board (nothing acknowledged lost, nothing stored twice,
/// ids 1..N), that the cut-off node answered no OK once the majority's store wrote and exited 10,
/// and that writes came back in time; here with its bounds tripled (LIVENESS=1), since CI may run
/// beside other work: the goals and their figures are in BENCHMARKS.md. Needs root and ip netns, as
/// CI has: without them the test says so and fails. It runs with the cluster tests, alone: beside
/// the parallel tests its six server processes made the idle-timeout tests' bounds miss.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class SeparateNetworkStacksTests(ITestOutputHelper output)
{
    /// <summary>Under the CI runner's 5-minute hang limit; a run takes about 2.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Crash_and_cut_of_the_store_node_on_separate_network_stacks_lose_nothing_acknowledged()
    {
        Assert.True(Environment.IsPrivilegedProcess, "scripts/cluster/netns.sh needs root (ip netns, veth pairs, a bridge): run the tests as root");
        var script = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.RootDirectory, "scripts", "cluster", "netns.sh"), "crash", "cut"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["SERVER_DLL"] = RepoPaths.ServerDll, ["LIVENESS"] = "1", ["CUT_SECONDS"] = "15" },
        };
        using var run = Process.Start(script)!;
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await run.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM first: the script removes its namespaces and stops its nodes on the way out.
            Process.Start("kill", ["-TERM", run.Id.ToString()])!.WaitForExit();
            if (!run.WaitForExit(TimeSpan.FromSeconds(30)))
                run.Kill(entireProcessTree: true);
        }
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.True(run.HasExited && !timeout.IsCancellationRequested, $"netns.sh crash cut did not finish within {Bound.TotalMinutes} min");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("crash: 1 of 1 runs passed", await stdout);
        Assert.Contains("cut: 1 of 1 runs passed", await stdout);
    }
}
