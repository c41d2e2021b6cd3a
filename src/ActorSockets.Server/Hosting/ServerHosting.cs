using System.Diagnostics.Metrics;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Cluster;
using ActorSockets.Server.Diagnostics;
using ActorSockets.Server.Limiting;
using ActorSockets.Server.Listening;
using ActorSockets.Server.Notes;
using ActorSockets.Server.Operations;
using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSockets.Server.Hosting;

/// <summary>
/// Composes the server on Akka.Hosting: the actor system configured from the loaded HOCON, the
/// limiter and the listener for the configured transport, and the coordinated-shutdown tasks that
/// stop accepting and then say <c>BYE shutdown</c> to every client before the system goes down.
/// </summary>
public static class ServerHosting
{

    /// <summary>
    /// Adds the server. Throws <see cref="SettingsException"/> for a setting found unusable before binding
    /// (a chat key file that is not a key).
    /// </summary>
    public static IServiceCollection AddActorSocketsServer(this IServiceCollection services, Config hocon, ActorSocketsSettings settings)
    {
        var prepared = ServiceCatalog.Prepare(settings);
        Config persistence;
        ClusterTls? tls;
        try
        {
            persistence = settings.Service == ServiceKind.Notes ? NotesPersistence.For(settings, prepared.NotesDatabase, hocon) : Config.Empty;
            if (prepared.NotesDatabase is { } notesDatabase)
                notesDatabase.HoldsJournal = notesDatabase.IsJournalIn(hocon.WithFallback(persistence));
            AkkaConfigCheck.Check(hocon.WithFallback(ServerHocon.Defaults).WithFallback(persistence), settings.ClusterEnabled);
            // Cluster mode: the node's certificate is checked now, so a problem is one line and exit 3.
            tls = ClusterTls.Load(settings, DateTimeOffset.UtcNow);
            // Cluster mode: which board this node's journal holds, before it may join (one board per cluster).
            if (settings is { ClusterEnabled: true, Service: ServiceKind.Notes })
                prepared = prepared with { Board = JournalBoard.Of(hocon.WithFallback(persistence), prepared.NotesDatabase) };
            OpenLogFile(settings);
        }
        catch
        {
            prepared.NotesDatabase?.Dispose(); // refused before it ran: the database is free again
            throw;
        }
        var status = new ListenerStatus();
        services.AddSingleton(status);
        services.AddSingleton(settings);
        services.AddMetrics(); // the host's IMeterFactory, which owns the server's meter
        services.AddServerOperations(settings); // probes; metrics exported over HTTP or OTLP when configured
        services.AddAkka(ClusterSetup.SystemName, (builder, provider) =>
        {
            if (settings.ClusterEnabled)
                builder.AddCluster(settings, tls, prepared.Board);
            builder
                .AddHocon(hocon, HoconAddMode.Prepend)
                .AddHocon(ServerHocon.ForTransport(settings.Transport), HoconAddMode.Append)
                .AddHocon(ServerHocon.ForLog(settings.LogLevel, settings.LogFormat), HoconAddMode.Append) // under the file's own akka.loglevel
                .AddHocon(ServerHocon.Defaults, HoconAddMode.Append)
                .AddHocon(persistence, HoconAddMode.Append)
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLogger<ConsoleLineLogger>();
                    if (tls is not null)
                        loggers.WithLogFilter(filters => filters.Add(tls.Refusals));
                })
                .WithActors((system, _) =>
                {
                    StartSchedulerBeforeClients(system);
                    if (settings is { ClusterEnabled: true, ClusterTlsMode: TlsMode.Off })
                        system.Log.Warning("cluster: cluster.tls.mode = off: any process that reaches {0}:{1} can join this cluster and send any actor any message", settings.ClusterHostname, settings.ClusterPort);
                    var screen = StartLiveViewScreen(settings, status);
                    if (screen is not null)
                        system.RegisterOnTermination(() => StopLiveViewScreen(screen));
                    var metrics = new ServerMetrics(provider.GetRequiredService<IMeterFactory>(), settings);
                    system.RegisterOnTermination(CloseLogFile); // the logger has stopped with the system
                    // The database stays this server's until the notes store, with the whole system, has
                    // stopped. Registered last on purpose: Akka runs termination callbacks last-registered
                    // first and completes WhenTerminated with that one, so a restart in the same process
                    // (the tests do it) finds the database free once the old system is terminated.
                    if (prepared.NotesDatabase is { } database)
                        system.RegisterOnTermination(database.Dispose);
                    var service = ServiceCatalog.Start(prepared, system, ServerConsole.Standard);
                    provider.GetRequiredService<ServerProbes>().OnStarted(system, (service as NotesService)?.Store, settings.ClusterEnabled);
                    var clusterCount = settings.ClusterEnabled ? ClusterSingletons.StartClientsCount(system, settings.ClientsLimit) : null;
                    var limiter = system.ActorOf(LimiterActor.Props(settings, service, metrics, clusterCount)
                        .WithDispatcher(Dispatchers.Admission), "limiter");
                    var listener = system.ActorOf(settings.Transport == Transport.Tcp
                        ? TcpListenerActor.Props(settings, limiter, status).WithDispatcher(Dispatchers.Admission)
                        : UdpListenerActor.Props(settings, limiter, status), "listener");
                    if (screen is not null)
                        system.ActorOf(LiveView.LiveViewActor.Props(limiter, screen).WithDispatcher(Dispatchers.Background), "live-view");

                    // Goodbyes come before unbinding: Akka.IO's accepted TCP connections are children of the
                    // listening actor, and UDP replies leave through the bound socket, so unbinding first
                    // would reset every connection before its BYE. Meanwhile newcomers get BYE shutdown.
                    // Ask is right here: the shutdown task sits outside every actor and awaits a Task.
                    var shutdown = CoordinatedShutdown.Get(system);
                    shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "say-bye-to-clients",
                        () => limiter.Ask<Done>(LimiterProtocol.StopAllSessions.Instance, ServerTuning.ShutdownSessionsWait));
                    shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "stop-listening",
                        () => listener.Ask<Done>(ListenerProtocol.StopListening.Instance, ServerTuning.ShutdownUnbind));
                });
        });
        return services;
    }

    /// <summary>Whether the live view will draw: asked for, and standard output is a terminal.</summary>
    private static bool ViewDraws(ActorSocketsSettings settings) => settings.View && !Console.IsOutputRedirected;

    /// <summary>
    /// Opens log.file for appending, or, while the view draws, the default file: the view keeps only
    /// the last few lines, and a warning must outlive them.
    /// </summary>
    private static void OpenLogFile(ActorSocketsSettings settings)
    {
        var path = settings.LogFile != "" ? settings.LogFile : ViewDraws(settings) ? ActorSocketsSettings.ViewLogFile : null;
        if (path is null)
            return;
        try
        {
            ConsoleLineLogger.File?.Dispose();
            ConsoleLineLogger.File = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SettingsException.Invalid("actor-sockets.log.file", path, $"a file that can be written ({e.Message})");
        }
    }

    /// <summary>
    /// The process's exit code once the server has stopped: <see cref="ExitCodes.Downed"/> when the
    /// cluster downed this node (so a service manager starts it again), <see cref="ExitCodes.BadConfig"/>
    /// when its database holds another board than the cluster's or its TLS handshake with a peer
    /// failed (the two trust different CAs), else <see cref="ExitCodes.Ok"/>.
    /// </summary>
    public static int ExitCodeAfterStop(IServiceProvider services) =>
        CoordinatedShutdown.Get(services.GetRequiredService<ActorSystem>()).ShutdownReason switch
        {
            CoordinatedShutdown.ClusterDowningReason or CoordinatedShutdown.ClusterJoinUnsuccessfulReason => ExitCodes.Downed,
            BoardCheckActor.AnotherBoard => ExitCodes.BadConfig, // its database is not the cluster's: a setting to fix
            // Akka.Remote stops a node whose TLS handshake with a peer failed: certificates of another
            // CA, a setting to fix. Its reason type is internal to Akka.Remote, so known by name.
            { } reason when reason.GetType().Name == "TlsHandshakeFailureReason" => ExitCodes.BadConfig,
            _ => ExitCodes.Ok,
        };

    private static void CloseLogFile()
    {
        var file = ConsoleLineLogger.File;
        ConsoleLineLogger.File = null;
        file?.Dispose();
    }

    /// <summary>
    /// With <c>view = on</c> and a terminal on standard output, the live view takes the terminal: log
    /// lines go to its list of last events (and to the log file) from now on. Without a terminal
    /// (redirected, CI) the server logs as always. Null when there is no view.
    /// </summary>
    private static LiveView.LiveViewScreen? StartLiveViewScreen(ActorSocketsSettings settings, ListenerStatus status)
    {
        if (!ViewDraws(settings))
            return null;
        var events = new LiveView.ViewEvents();
        LiveView.ViewEvents.Active = events;
        var screen = new LiveView.LiveViewScreen(settings, events, Spectre.Console.AnsiConsole.Console);
        var transport = ActorSocketsSettings.NameOf(settings.Transport);
        status.Bound.ContinueWith(bound => screen.Listener = bound.IsCompletedSuccessfully ? $"{transport} {bound.Result}" : "not listening",
            TaskScheduler.Default);
        screen.Start();
        return screen;
    }

    private static void StopLiveViewScreen(LiveView.LiveViewScreen screen)
    {
        screen.Stop();
        LiveView.ViewEvents.Active = null;
    }

    /// <summary>
    /// Akka starts its scheduler's timer thread on first use, and the caller waits for it there with a
    /// blocking Task.Wait. Left to the sessions (the first one to start a timer), fifty UDP clients
    /// arriving at once with the idle timeout off each blocked a thread-pool thread in that wait and
    /// stalled the whole server for seconds (found by the benchmark; BENCHMARKS.md). So it starts here,
    /// outside every actor, before the first client.
    /// </summary>
    private static void StartSchedulerBeforeClients(ActorSystem system) =>
        system.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(1), static () => { });
}
