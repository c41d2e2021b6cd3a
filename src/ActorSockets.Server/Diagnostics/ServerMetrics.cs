using System.Diagnostics;
using System.Diagnostics.Metrics;
using ActorSockets.Protocol.Settings;

namespace ActorSockets.Server.Diagnostics;

/// <summary>
/// The server's figures as a <see cref="System.Diagnostics.Metrics"/> meter named <c>ActorSockets</c>,
/// for the standard .NET tools (<c>dotnet-counters monitor -n Server --counters ActorSockets</c>,
/// OpenTelemetry, a <see cref="MeterListener"/>). One instance per server, on a meter from the
/// host's <see cref="IMeterFactory"/>, each measurement tagged with its service and transport. Recording is what the instruments cost: with no listener, a check of a flag; with
/// one, its aggregation (an interlocked add for a counter). Nothing here sends a message or takes a lock.
/// </summary>
public sealed class ServerMetrics
{
    public const string MeterName = "ActorSockets";

    private readonly Counter<long> _admitted;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _crashes;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _notesStored;
    private readonly Counter<long> _storageErrors;
    private readonly Counter<long> _chatHandshakes;
    private readonly Counter<long> _chatCryptoErrors;
    private readonly KeyValuePair<string, object?>[] _tags;
    private int _clients;

    /// <summary>
    /// The figures of one server, on a meter from <paramref name="meters"/> (the host's, as Kestrel
    /// takes its meters: the host disposes of them when it stops), or on a meter of their own when
    /// there is no host (sessions a test makes alone).
    /// </summary>
    public ServerMetrics(IMeterFactory? meters, ActorSocketsSettings settings)
    {
        var meter = meters?.Create(MeterName, "1.0") ?? new Meter(MeterName, "1.0");
        _tags = [new("service", ActorSocketsSettings.NameOf(settings.Service)), new("transport", ActorSocketsSettings.NameOf(settings.Transport))];
        _admitted = meter.CreateCounter<long>("actorsockets.clients.admitted", "{client}", "clients admitted by the limiter");
        _refused = meter.CreateCounter<long>("actorsockets.clients.refused", "{client}", "clients refused (ERR busy, or BYE while stopping)");
        _timeouts = meter.CreateCounter<long>("actorsockets.clients.timeouts", "{client}", "sessions ended by the idle timeout");
        _crashes = meter.CreateCounter<long>("actorsockets.clients.crashes", "{client}", "sessions that crashed and were stopped by the limiter");
        _requests = meter.CreateCounter<long>("actorsockets.requests", "{request}", "requests served (as STATS counts them)");
        _bytesIn = meter.CreateCounter<long>("actorsockets.bytes.received", "By", "bytes received from clients");
        _bytesOut = meter.CreateCounter<long>("actorsockets.bytes.sent", "By", "reply bytes handed to the transport");
        // Seconds, as OpenTelemetry's conventions time everything (Prometheus: actorsockets_request_duration_seconds),
        // with bucket bounds for a server that answers in tens of microseconds to seconds.
        _requestDuration = meter.CreateHistogram<double>("actorsockets.request.duration", "s",
            "from a request line complete to its reply handed to the transport",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _notesStored = meter.CreateCounter<long>("actorsockets.notes.stored", "{note}", "notes acknowledged with OK <id>");
        _storageErrors = meter.CreateCounter<long>("actorsockets.notes.storage_errors", "{request}", "requests answered ERR storage");
        _chatHandshakes = meter.CreateCounter<long>("actorsockets.chat.handshakes", "{chat}", "chats that reached READY");
        _chatCryptoErrors = meter.CreateCounter<long>("actorsockets.chat.crypto_errors", "{message}", "chat lines refused with ERR crypto");
        meter.CreateObservableUpDownCounter("actorsockets.clients", () => new Measurement<int>(Volatile.Read(ref _clients), _tags),
            "{client}", "clients holding a place now");
    }

    /// <summary>Figures that count on a meter of their own: for sessions made without a server (tests).</summary>
    public static ServerMetrics Unregistered(ActorSocketsSettings settings) => new(null, settings);

    private ReadOnlySpan<KeyValuePair<string, object?>> Tags => _tags;

    public void ClientAdmitted()
    {
        Interlocked.Increment(ref _clients);
        _admitted.Add(1, Tags);
    }

    public void SessionEnded() => Interlocked.Decrement(ref _clients);

    public void ClientRefused() => _refused.Add(1, Tags);

    public void SessionTimedOut() => _timeouts.Add(1, Tags);

    public void SessionCrashed() => _crashes.Add(1, Tags);

    public void RequestCounted() => _requests.Add(1, Tags);

    /// <summary>A request is answered; <paramref name="startedAt"/> is the <see cref="Stopwatch"/> timestamp of its line.</summary>
    public void RequestAnswered(long startedAt) =>
        _requestDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, Tags);

    public void Received(int bytes) => _bytesIn.Add(bytes, Tags);

    public void Sent(int bytes) => _bytesOut.Add(bytes, Tags);

    public void NoteStored() => _notesStored.Add(1, Tags);

    public void StorageError() => _storageErrors.Add(1, Tags);

    public void ChatHandshake() => _chatHandshakes.Add(1, Tags);

    public void ChatCryptoError() => _chatCryptoErrors.Add(1, Tags);
}
