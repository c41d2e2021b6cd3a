using System.Net;
using ActorSockets.Server.Listening;
using Akka.Actor;
using Akka.Event;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace ActorSockets.Server.Operations;

/// <summary>
/// The HTTP endpoint of <c>metrics.prometheus</c>: <c>/metrics</c> (Prometheus's text format, from the
/// server's OpenTelemetry meter provider), <c>/healthz</c> and <c>/readyz</c> (ASP.NET Core's health
/// checks over <see cref="ServerProbes"/>: 200 or 503, with a one-line reason). A small Kestrel
/// application of its own beside the server's host, with no configuration files or logging of its
/// own, started after the actor system and stopped before it.
/// </summary>
internal sealed class HttpEndpoint(IPEndPoint listenAt, IServiceProvider server) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The address it listens on (the port resolved when 0 was asked); null until it listens.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var probes = server.GetRequiredService<ServerProbes>();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(listenAt));
        builder.Services.AddRoutingCore();
        builder.Services.AddHealthChecks()
            .AddAsyncCheck("alive", probes.AliveAsync, tags: ["live"])
            .AddAsyncCheck("ready", probes.ReadyAsync, tags: ["ready"]);
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics", server.GetRequiredService<MeterProvider>(), null, null);
        app.MapHealthChecks("/healthz", Probe("live"));
        app.MapHealthChecks("/readyz", Probe("ready"));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new ListenException($"cannot listen for metrics.prometheus on {listenAt}: {e.Message}");
        }
        _app = app;
        Address = new Uri(app.Urls.First());
        server.GetRequiredService<ActorSystem>().Log.Info("metrics and health probes on {0} (/metrics, /healthz, /readyz)", Address);
    }

    /// <summary>One probe: 200 or 503, and its reason on one line (the health check's description).</summary>
    private static HealthCheckOptions Probe(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = (context, report) =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            var entry = report.Entries.Values.FirstOrDefault();
            return context.Response.WriteAsync($"{(report.Status == HealthStatus.Healthy ? "ok" : "failing")}: {entry.Description}\n");
        },
    };

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
            await app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
            await app.DisposeAsync();
    }
}
