using System.Net;
using System.Text;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Operations;

/// <summary>
/// Issue 22, point 2: <c>metrics.otlp-endpoint</c> pushes the meter to an OpenTelemetry collector. The
/// collector here is the test's own HTTP listener, taking what OTLP over HTTP posts to <c>/v1/metrics</c>.
/// </summary>
public sealed class OtlpExportTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_meter_is_pushed_to_the_collector_over_http_at_the_configured_interval()
    {
        var port = LoopbackPorts.Free(1)[0];
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        await using var server = await RunningServer.StartAsync("timeout=off", $"metrics.otlp-endpoint=http://127.0.0.1:{port}",
            "metrics.otlp-protocol=http", "metrics.otlp-interval=500ms");
        await using (var client = await TcpTestClient.ConnectAsync(server.EndPoint))
            Assert.Equal("7\n", await client.AskAsync("3 4"));

        // Protobuf keeps names as UTF-8: a push that carries the request counter names it.
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var context = await collector.GetContextAsync().WaitAsync(deadline - DateTime.UtcNow);
            Assert.Equal("POST", context.Request.HttpMethod);
            Assert.Equal("/v1/metrics", context.Request.Url!.AbsolutePath);
            Assert.Equal("application/x-protobuf", context.Request.ContentType);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            context.Response.StatusCode = 200;
            context.Response.Close();
            if (Encoding.UTF8.GetString(body.ToArray()).Contains("actorsockets.requests", StringComparison.Ordinal))
                break;
        }
    }
}
