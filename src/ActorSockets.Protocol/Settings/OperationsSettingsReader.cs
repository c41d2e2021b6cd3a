using System.Net;

namespace ActorSockets.Protocol.Settings;

/// <summary>
/// The settings of the people who run the server (docs/OPERATIONS.md): its log, its metrics, its
/// probes. A class of its own, so that its specs are made before <see cref="SettingsReader.Specs"/> lists them.
/// </summary>
internal static class OperationsSettingsReader
{
    private static readonly ChoiceSpec<LogFormat> LogFormatSpec = new("log.format", LogFormat.Text, "json: one object a line, for log shippers");
    private static readonly ChoiceSpec<LogLevelSetting> LogLevelSpec = new("log.level", LogLevelSetting.Info);
    private static readonly CustomSpec MetricsPrometheus = new("metrics.prometheus", "off",
        "off, or the address:port of an HTTP endpoint serving /metrics, /healthz and /readyz, e.g. 127.0.0.1:9464 ([::1]:9464; port 0 for any free port)");
    private static readonly CustomSpec MetricsOtlpEndpoint = new("metrics.otlp-endpoint", "off",
        "off, or the http:// or https:// URL of an OpenTelemetry collector, e.g. http://127.0.0.1:4317");
    private static readonly ChoiceSpec<OtlpProtocol> MetricsOtlpProtocol = new("metrics.otlp-protocol", OtlpProtocol.Grpc, "http: HTTP with protobuf bodies");
    private static readonly CustomSpec MetricsOtlpInterval = new("metrics.otlp-interval", "60s", "a positive duration up to a day, e.g. 10s");

    public static readonly IReadOnlyList<SettingSpec> Specs =
        [LogFormatSpec, LogLevelSpec, MetricsPrometheus, MetricsOtlpEndpoint, MetricsOtlpProtocol, MetricsOtlpInterval];

    public static ActorSocketsSettings Read(ActorSocketsSettings settings, IReadOnlyDictionary<string, string> values) => settings with
    {
        LogFormat = LogFormatSpec.Read(values),
        LogLevel = LogLevelSpec.Read(values),
        MetricsPrometheus = PrometheusEndPoint(values),
        MetricsOtlpEndpoint = OtlpEndpoint(values),
        MetricsOtlpProtocol = MetricsOtlpProtocol.Read(values),
        MetricsOtlpInterval = OtlpInterval(values),
    };

    private static TimeSpan OtlpInterval(IReadOnlyDictionary<string, string> values)
    {
        var text = values.GetValueOrDefault(MetricsOtlpInterval.Key, MetricsOtlpInterval.DefaultText);
        return Durations.TryParse(text, out var interval) ? interval : throw MetricsOtlpInterval.Refuse(text);
    }

    private static IPEndPoint? PrometheusEndPoint(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue(MetricsPrometheus.Key, out var text) || IsOff(text))
            return null;
        return IPEndPoint.TryParse(text.Trim(), out var endPoint) && endPoint.Port is 0 or >= 1024 && text.Contains(':', StringComparison.Ordinal)
            ? endPoint
            : throw MetricsPrometheus.Refuse(text);
    }

    private static Uri? OtlpEndpoint(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue(MetricsOtlpEndpoint.Key, out var text) || IsOff(text))
            return null;
        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : throw MetricsOtlpEndpoint.Refuse(text);
    }

    private static bool IsOff(string text) => text.Trim().Equals("off", StringComparison.OrdinalIgnoreCase);
}
