using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorSockets.Server.Diagnostics;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.EndToEnd;

/// <summary>The meter's instruments are process-wide; these tests run alone so that no other server counts into them.</summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>
/// The <c>ActorSockets</c> meter, read the way any .NET tool reads it (a <see cref="MeterListener"/>,
/// as dotnet-counters does): a server's clients, admissions, refusals, requests, bytes and request
/// durations, tagged with its service and transport.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed class MetricsTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _totals = new();
    private readonly ConcurrentQueue<(string Name, double Value, string Tags)> _measurements = new();

    public MetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ServerMetrics.MeterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = string.Join(",", tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}"));
        _measurements.Enqueue((instrument.Name, value, text));
        _totals.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
    }

    private double Total(string name) => _totals.GetValueOrDefault(name);

    [Fact]
    public async Task A_server_reports_its_clients_requests_bytes_and_refusals_tagged_with_service_and_transport()
    {
        await using var server = await RunningServer.StartAsync("clients-limit=1", "timeout=off");
        await using (var client = await TcpTestClient.ConnectAsync(server.EndPoint))
        {
            for (var i = 0; i < 3; i++)
                Assert.Equal("7\n", await client.AskAsync("3 4"));

            _listener.RecordObservableInstruments();
            Assert.Contains(_measurements, m => m is { Name: "actorsockets.clients", Value: 1, Tags: "service=sum,transport=tcp" });

            await using var refused = await TcpTestClient.ConnectAsync(server.EndPoint);
            Assert.StartsWith("ERR busy", await refused.ReadLineAsync());
        }

        Assert.Equal(1, Total("actorsockets.clients.admitted"));
        Assert.Equal(1, Total("actorsockets.clients.refused"));
        Assert.Equal(3, Total("actorsockets.requests"));
        Assert.Equal(3 * "3 4\n".Length, Total("actorsockets.bytes.received"));
        Assert.Equal(3 * "7\n".Length, Total("actorsockets.bytes.sent"));
        var durations = _measurements.Where(m => m.Name == "actorsockets.request.duration").ToList();
        Assert.Equal(3, durations.Count);
        Assert.All(durations, d => Assert.InRange(d.Value, 0, 10)); // seconds
        Assert.All(_measurements.Where(m => m.Name != "actorsockets.clients"), m => Assert.Equal("service=sum,transport=tcp", m.Tags));
    }

    [Fact]
    public async Task Notes_stored_and_storage_errors_are_counted()
    {
        await using var server = await RunningServer.StartAsync("service=notes", "notes.store=memory", "timeout=off");
        await using var client = await TcpTestClient.ConnectAsync(server.EndPoint);
        Assert.Equal("OK 1\n", await client.AskAsync("POST one"));
        Assert.Equal("OK 2\n", await client.AskAsync("POST two"));
        Assert.Equal(2, Total("actorsockets.notes.stored"));
        Assert.Equal(0, Total("actorsockets.notes.storage_errors"));
    }
}
