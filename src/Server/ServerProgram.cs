using ActorSockets.Configuration;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Hosting;
using ActorSockets.Server.Listening;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorSockets.ServerApp;

/// <summary>Loads the settings, runs the host until Ctrl+C or SIGTERM, and turns failures into one line and an exit code.</summary>
internal static class ServerProgram
{
    private static readonly TimeSpan BindTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(ConfigSources sources, CancellationToken cancel)
    {
        IHost host;
        try
        {
            host = Build(ConfigLoader.Load(sources));
        }
        catch (SettingsException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.BadConfig;
        }

        using (host)
        {
            try
            {
                await host.StartAsync(cancel);
            }
            catch (Exception e) when (e is ListenException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                await host.StopAsync(CancellationToken.None);
                return ExitCodes.CannotConnect;
            }
            await host.WaitForShutdownAsync(CancellationToken.None);
            return ServerHosting.ExitCodeAfterStop(host.Services);
        }
    }

    private static IHost Build(LoadedConfig config)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.ClearProviders();
        // The host's own few lines (Akka's go through its ConsoleLineLogger), in the log's format.
        if (config.Settings.LogFormat == LogFormat.Json)
            builder.Logging.AddJsonConsole(console => console.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        else
            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // A start that fails (cannot listen) is reported in one line by RunAsync; the host would add
        // its own copy with a stack trace. Anything else that fails the start still surfaces, as the
        // exception StartAsync throws.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.AddActorSocketsServer(config.Hocon, config.Settings);
        // Under systemd (Type=notify), READY=1 goes out once the host has started; the last
        // hosted service waits for the listener, so that is once clients can connect.
        builder.Services.AddSystemd();
        builder.Services.AddHostedService(services => new ListenerBoundWait(services.GetRequiredService<ListenerStatus>(), BindTimeout));
        return builder.Build();
    }
}
