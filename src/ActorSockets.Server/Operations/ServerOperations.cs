using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ActorSockets.Server.Operations;

/// <summary>
/// What the people who run the server plug into (docs/OPERATIONS.md): the health probes, and the
/// server's meter with the .NET runtime's (<c>System.Runtime</c>: GC, thread pool, exceptions)
/// through OpenTelemetry, to a Prometheus scrape endpoint and to an OTLP collector. Nothing of
/// OpenTelemetry or Kestrel starts while both are off (the default).
/// </summary>
public static class ServerOperations
{
    /// <summary>The .NET runtime's own meter (GC, thread pool, JIT, exceptions), built into .NET 9 and later.</summary>
    public const string RuntimeMeterName = "System.Runtime";

    public static IServiceCollection AddServerOperations(this IServiceCollection services, ActorSocketsSettings settings)
    {
        services.AddSingleton<ServerProbes>();
        if (settings.MetricsPrometheus is null && settings.MetricsOtlpEndpoint is null)
            return services;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("actorsockets", serviceVersion: typeof(ServerOperations).Assembly.GetName().Version?.ToString(3)))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServerMetrics.MeterName, RuntimeMeterName);
                if (settings.MetricsPrometheus is not null)
                    metrics.AddPrometheusExporter();
                if (settings.MetricsOtlpEndpoint is { } collector)
                    metrics.AddOtlpExporter((exporter, reader) =>
                    {
                        exporter.Protocol = settings.MetricsOtlpProtocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                        exporter.Endpoint = OtlpEndpoint(collector, settings.MetricsOtlpProtocol);
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.MetricsOtlpInterval.TotalMilliseconds;
                    });
            });
        if (settings.MetricsPrometheus is { } listenAt)
        {
            services.AddSingleton(provider => new HttpEndpoint(listenAt, provider));
            services.AddHostedService(provider => provider.GetRequiredService<HttpEndpoint>());
        }
        return services;
    }

    /// <summary>
    /// Set in code, OpenTelemetry's exporter takes the URL as it is; over HTTP the collector listens on
    /// <c>/v1/metrics</c>, which a URL with no path of its own gets (as the SDK does with its
    /// environment variable).
    /// </summary>
    private static Uri OtlpEndpoint(Uri collector, OtlpProtocol protocol) =>
        protocol == OtlpProtocol.Http && collector.AbsolutePath == "/" ? new Uri(collector, "/v1/metrics") : collector;

    /// <summary>Where the HTTP endpoint listens, once it does (the port resolved when 0 was asked); null when it is off.</summary>
    public static Uri? HttpAddress(IServiceProvider services) => services.GetService<HttpEndpoint>()?.Address;
}
