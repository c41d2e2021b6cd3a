using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ActorSockets.Protocol.Settings;

namespace ActorSockets.Server.Diagnostics;

/// <summary>
/// The server's figures as a <see cref="System.Diagnostics.Metrics"/> meter named <c>ActorSockets</c>,
/// for the standard .NET tools (<c>dotnet-counters monitor -n Server --counters ActorSockets</c>,
/// OpenTelemetry, a <see cref="MeterListener"/>). One instance per server, tagged with its service
/// and transport. Recording is what the instruments cost: with no listener, a check of a flag; with
/// one, its aggregation (an interlocked add for a counter). Nothing here sends a message or takes a lock.
/// </summary>
public sealed class ServerMetrics
{
    public const string MeterName = "ActorSockets";

    private static readonly Meter Meter = new(MeterName, "1.0");
    /// <summary>The servers whose current clients the gauge reports (one in a normal process; several in the tests).</summary>
    private static readonly ConcurrentDictionary<ServerMetrics, byte> Live = new();

    private static readonly Counter<long> Admitted = Meter.CreateCounter<long>("actorsockets.clients.admitted", "{client}", "clients admitted by the limiter");
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("actorsockets.clients.refused", "{client}", "clients refused (ERR busy, or BYE while stopping)");
    private static readonly Counter<long> Timeouts = Meter.CreateCounter<long>("actorsockets.clients.timeouts", "{client}", "sessions ended by the idle timeout");
    private static readonly Counter<long> Crashes = Meter.CreateCounter<long>("actorsockets.clients.crashes", "{client}", "sessions that crashed and were stopped by the limiter");
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("actorsockets.requests", "{request}", "requests served (as STATS counts them)");
    private static readonly Counter<long> BytesIn = Meter.CreateCounter<long>("actorsockets.bytes.received", "By", "bytes received from clients");
    private static readonly Counter<long> BytesOut = Meter.CreateCounter<long>("actorsockets.bytes.sent", "By", "reply bytes handed to the transport");
    private static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("actorsockets.request.duration", "ms",
        "from a request line complete to its reply handed to the transport");
    private static readonly Counter<long> NotesStored = Meter.CreateCounter<long>("actorsockets.notes.stored", "{note}", "notes acknowledged with OK <id>");
    private static readonly Counter<long> StorageErrors = Meter.CreateCounter<long>("actorsockets.notes.storage_errors", "{request}", "requests answered ERR storage");
    private static readonly Counter<long> ChatHandshakes = Meter.CreateCounter<long>("actorsockets.chat.handshakes", "{chat}", "chats that reached READY");
    private static readonly Counter<long> ChatCryptoErrors = Meter.CreateCounter<long>("actorsockets.chat.crypto_errors", "{message}", "chat lines refused with ERR crypto");

    static ServerMetrics() =>
        Meter.CreateObservableUpDownCounter("actorsockets.clients", ObserveClients, "{client}", "clients holding a place now");

    private readonly KeyValuePair<string, object?>[] _tags;
    private int _clients;

    private ServerMetrics(ActorSocketsSettings settings) =>
        _tags = [new("service", ActorSocketsSettings.NameOf(settings.Service)), new("transport", ActorSocketsSettings.NameOf(settings.Transport))];

    /// <summary>A server's figures, reported by the clients gauge until <see cref="Retire"/>.</summary>
    public static ServerMetrics Register(ActorSocketsSettings settings)
    {
        var metrics = new ServerMetrics(settings);
        Live[metrics] = 0;
        return metrics;
    }

    /// <summary>Figures that count but are not in the gauge: for sessions made without a server (tests).</summary>
    public static ServerMetrics Unregistered(ActorSocketsSettings settings) => new(settings);

    /// <summary>The server has stopped: its clients are no longer reported.</summary>
    public void Retire() => Live.TryRemove(this, out _);

    private ReadOnlySpan<KeyValuePair<string, object?>> Tags => _tags;

    public void ClientAdmitted()
    {
        Interlocked.Increment(ref _clients);
        Admitted.Add(1, Tags);
    }

    public void ClientGone() => Interlocked.Decrement(ref _clients);

    public void ClientRefused() => Refused.Add(1, Tags);

    public void SessionTimedOut() => Timeouts.Add(1, Tags);

    public void SessionCrashed() => Crashes.Add(1, Tags);

    public void RequestCounted() => Requests.Add(1, Tags);

    /// <summary>A request is answered; <paramref name="startedAt"/> is the <see cref="Stopwatch"/> timestamp of its line.</summary>
    public void RequestAnswered(long startedAt) =>
        RequestDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds, Tags);

    public void Received(int bytes) => BytesIn.Add(bytes, Tags);

    public void Sent(int bytes) => BytesOut.Add(bytes, Tags);

    public void NoteStored() => NotesStored.Add(1, Tags);

    public void StorageError() => StorageErrors.Add(1, Tags);

    public void ChatHandshake() => ChatHandshakes.Add(1, Tags);

    public void ChatCryptoError() => ChatCryptoErrors.Add(1, Tags);

    private static IEnumerable<Measurement<int>> ObserveClients() =>
        Live.Keys.Select(server => new Measurement<int>(Volatile.Read(ref server._clients), server._tags));
}
