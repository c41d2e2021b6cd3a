using System.Net;
using ActorSockets.Configuration;
using ActorSockets.Server.Hosting;
using ActorSockets.Server.Listening;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorSockets.Tests.Support;

/// <summary>
/// The real server, composed exactly as <c>src/Server</c> composes it, hosted inside the test
/// process on a free port (port 0), and stopped (with its coordinated shutdown) on dispose.
/// </summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly IHost _host;
    private bool _stopped;

    private RunningServer(IHost host, IPEndPoint endPoint)
    {
        _host = host;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The host's services, e.g. its <c>ActorSystem</c>.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Starts a server; <paramref name="sets"/> are <c>--set</c> overrides, e.g. "transport=udp".</summary>
    public static Task<RunningServer> StartAsync(params string[] sets) => StartWithAkkaAsync(null, sets);

    /// <summary>A notes node of a cluster on loopback: cluster port <paramref name="clusterPort"/>, joining through the node at <paramref name="seedPort"/>, its journal in <paramref name="database"/>.</summary>
    public static Task<RunningServer> StartNotesNodeAsync(int clusterPort, int seedPort, string database, string? akka = null, params string[] more) =>
        StartWithAkkaAsync(akka, ["service=notes", "timeout=off", "cluster.enabled=on", $"cluster.port={clusterPort}",
            $"cluster.seed-nodes=127.0.0.1:{seedPort}", $"notes.sqlite-path={database}", .. more]);

    /// <summary>The node's actor system.</summary>
    public Akka.Actor.ActorSystem System => Services.GetRequiredService<Akka.Actor.ActorSystem>();

    /// <summary>Starts a server with <paramref name="akka"/> as Akka settings of the config file (e.g. to let a test crash it).</summary>
    public static async Task<RunningServer> StartWithAkkaAsync(string? akka, params string[] sets)
    {
        var config = ConfigLoader.Load(new ConfigSources(null, null, 0, sets));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.ClearProviders();
        var hocon = akka is null ? config.Hocon : Akka.Configuration.ConfigurationFactory.ParseString(akka).WithFallback(config.Hocon);
        builder.Services.AddActorSocketsServer(hocon, config.Settings);
        var host = builder.Build();
        await host.StartAsync();
        var bound = await host.Services.GetRequiredService<ListenerStatus>().Bound.WaitAsync(StartTimeout);
        return new RunningServer(host, (IPEndPoint)bound);
    }

    /// <summary>Stops the server as Ctrl+C would: every client gets BYE shutdown first.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(timeout.Token);
    }

    /// <summary>Disposes a server whose actor system a test has already terminated (a crash).</summary>
    public async ValueTask DisposeAbandonedAsync()
    {
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The host's own stop may wait on a system that is gone; what the test needed is done.
        }
        _host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
