using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ActorSockets.Tests.EndToEnd;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Operations;

/// <summary>
/// Issue 22, point 2: <c>metrics.prometheus</c> serves the <c>ActorSockets</c> meter and the .NET
/// runtime's in Prometheus's text format, as a scraper reads it. In the metrics collection: the
/// meter is process-wide, so no other server may count into the figures read here.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed class PrometheusEndpointTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>The sum over every series of <paramref name="metric"/> in a scrape.</summary>
    private static double Sum(string scrape, string metric) =>
        Regex.Matches(scrape, $@"^{Regex.Escape(metric)}(?:\{{[^}}]*\}})? ([0-9.eE+-]+)", RegexOptions.Multiline)
            .Sum(match => double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));

    [Fact]
    public async Task A_scrape_shows_the_request_counter_moving_after_requests_and_the_runtimes_metrics()
    {
        await using var server = await RunningServer.StartAsync("metrics.prometheus=127.0.0.1:0", "timeout=off");
        using var probe = new HttpProbe(server.Services);
        var (status, first) = await probe.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        var before = Sum(first, "actorsockets_requests_total");

        await using (var client = await TcpTestClient.ConnectAsync(server.EndPoint))
        {
            for (var i = 0; i < 3; i++)
                Assert.Equal("7\n", await client.AskAsync("3 4"));
        }

        // The exporter keeps a scrape for a moment (300 ms): ask until the new figures show.
        var scrape = first;
        await TestCluster.WaitUntilAsync(async () => Sum(scrape = (await probe.GetAsync("/metrics")).Body, "actorsockets_requests_total") >= before + 3,
            Bound, "the 3 requests in a scrape");
        Assert.Equal(before + 3, Sum(scrape, "actorsockets_requests_total"));
        Assert.Matches(@"actorsockets_requests_total\{[^}]*service=""sum""[^}]*transport=""tcp""", scrape);
        Assert.Contains("# TYPE actorsockets_request_duration_seconds histogram", scrape, StringComparison.Ordinal);
        Assert.True(Sum(scrape, "actorsockets_request_duration_seconds_count") >= 3, scrape);
        Assert.Contains("# TYPE actorsockets_bytes_received_bytes_total counter", scrape, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", scrape, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_thread_pool_thread_count gauge", scrape, StringComparison.Ordinal);
    }
}
