using System.Net;
using System.Text;
using System.Text.Json;
using ActorSockets.Bench;
using ActorSockets.Protocol.Settings;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Bench;

/// <summary>
/// The benchmark tool, run briefly against the real server: it runs, counts and reports. No timing
/// is asserted (speed is measured by running the tool, not by tests); counts and verdicts are.
/// </summary>
public class BenchToolTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(600);

    private static LoadPlan Plan(IPEndPoint target, Transport transport, int clients, int pipeline, string expect = "7", TimeSpan? duration = null) =>
        new(target, transport, clients, duration ?? Short, TimeSpan.Zero, pipeline, RequestText.RequestBytes("3 4", transport), expect, TimeSpan.FromSeconds(2));

    [Theory]
    [InlineData("tcp", 1)]
    [InlineData("tcp", 8)]
    [InlineData("udp", 1)]
    [InlineData("udp", 4)]
    public async Task A_load_run_counts_every_reply_and_times_each(string transport, int pipeline)
    {
        await using var server = await RunningServer.StartAsync($"transport={transport}", "clients-limit=50", "timeout=off");
        var kind = transport == "tcp" ? Transport.Tcp : Transport.Udp;

        var result = await LoadRun.RunAsync(Plan(server.EndPoint, kind, clients: 5, pipeline), null, CancellationToken.None);

        Assert.True(result.Replies > 0, "no replies counted");
        Assert.Equal(0, result.Errors);
        Assert.Equal(0, result.WrongReplies);
        Assert.Equal(0, result.LostReplies); // loopback, a light load and a 2 s wait
        Assert.Equal(5, result.Clients);
        Assert.InRange(result.P50, 1, result.Max);
        Assert.True(result.P50 <= result.P99 && result.P99 <= result.P999 && result.P999 <= result.Max);
        Assert.Equal(Math.Round(result.Replies / result.Seconds, 1), result.RequestsPerSecond);
    }

    [Fact]
    public async Task A_connection_per_request_run_opens_one_connection_for_each_reply()
    {
        await using var server = await RunningServer.StartAsync("clients-limit=50", "timeout=off");
        var plan = Plan(server.EndPoint, Transport.Tcp, clients: 3, pipeline: 1) with { ConnectPerRequest = true };

        var result = await LoadRun.RunAsync(plan, null, CancellationToken.None);

        Assert.True(result.Replies > 0, "no replies counted");
        Assert.Equal((0, 0), (result.Errors, result.WrongReplies));
        await using var stats = await TcpTestClient.ConnectAsync(server.EndPoint);
        var admitted = long.Parse(System.Text.RegularExpressions.Regex.Match(await stats.AskAsync("STATS") ?? "", @"admitted=(\d+)").Groups[1].Value);
        // Every counted reply had a connection of its own (warm-up-free run; replies still in flight at
        // the end add connections, not replies).
        Assert.InRange(admitted - 1, result.Replies, result.Replies + 3 * 2);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Replies_that_do_not_start_as_expected_are_counted_wrong_and_shown(string transport)
    {
        await using var server = await RunningServer.StartAsync($"transport={transport}", "timeout=off");
        var kind = transport == "tcp" ? Transport.Tcp : Transport.Udp;

        var result = await LoadRun.RunAsync(Plan(server.EndPoint, kind, clients: 2, pipeline: 1, expect: "8"), null, CancellationToken.None);

        Assert.True(result.Replies > 0);
        Assert.Equal(result.Replies, result.WrongReplies);
        Assert.Equal("7", result.FirstWrongReply);
    }

    [Fact]
    public async Task Clients_over_the_limit_are_errors_with_the_servers_word()
    {
        await using var server = await RunningServer.StartAsync("clients-limit=2", "timeout=off");

        // Long enough for the refusals: a newcomer over the limit waits a moment for a place first.
        var result = await LoadRun.RunAsync(Plan(server.EndPoint, Transport.Tcp, clients: 4, pipeline: 1, duration: TimeSpan.FromSeconds(2)),
            null, CancellationToken.None);

        // Two clients are refused: each reads ERR busy (a wrong reply) and then the close, or, when
        // its request crossed the close, a reset; either way each ends with one error.
        Assert.Equal(2, result.Errors);
        Assert.True(result.Replies > 0, "the two admitted clients were not served");
        Assert.InRange(result.WrongReplies, 0, 2);
        if (result.WrongReplies > 0)
            Assert.StartsWith("ERR busy: clients limit 2 reached", result.FirstWrongReply);
    }

    [Fact]
    public async Task A_UDP_run_with_no_server_reports_errors_rather_than_hanging()
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var nobody = (IPEndPoint)probe.LocalEndPoint!;
        probe.Dispose(); // the port is free now: datagrams to it are refused by the kernel

        var result = await LoadRun.RunAsync(Plan(nobody, Transport.Udp, clients: 2, pipeline: 1), null, CancellationToken.None);

        Assert.Equal(0, result.Replies);
        Assert.Equal(2, result.Errors);
        Assert.Contains("ConnectionRefused", result.FirstError);
    }

    [Fact]
    public async Task A_hold_run_reports_connections_kept_served_and_the_servers_memory()
    {
        await using var server = await RunningServer.StartAsync("clients-limit=100", "timeout=off");
        var plan = new HoldPlan(server.EndPoint, 40, TimeSpan.FromMilliseconds(300), RequestText.RequestBytes("3 4", Transport.Tcp), "7",
            Environment.ProcessId, TimeSpan.FromSeconds(5));

        var result = await HoldRun.RunAsync(plan, null, CancellationToken.None);

        Assert.Equal(40, result.Connected);
        Assert.Equal(40, result.Served);
        Assert.Equal(40, result.StillOpen);
        Assert.Equal(0, result.ClosedByServer);
        Assert.NotNull(result.ServerRssBeforeKiB);
        Assert.NotNull(result.ServerKiBPerConnection);
    }

    [Fact]
    public async Task A_hold_run_sees_the_connections_the_server_closed()
    {
        await using var server = await RunningServer.StartAsync("clients-limit=100", "timeout=200ms");
        var plan = new HoldPlan(server.EndPoint, 10, TimeSpan.FromSeconds(2), null, "7", null, TimeSpan.FromSeconds(5));

        var result = await HoldRun.RunAsync(plan, null, CancellationToken.None);

        Assert.Equal(10, result.Connected);
        Assert.Equal(10, result.ClosedByServer);
        Assert.Equal(0, result.StillOpen);
        Assert.Null(result.ServerKiBPerConnection);
    }

    [Fact]
    public async Task The_executable_drives_a_server_and_prints_json()
    {
        await using var server = await RunningServer.StartAsync("clients-limit=10", "timeout=off");
        await using var bench = ProcessRunner.Start(RepoPaths.BenchDll,
            ["--port", server.EndPoint.Port.ToString(), "--clients", "3", "--duration", "500ms", "--json"]);

        Assert.Equal(0, await bench.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        using var json = JsonDocument.Parse(bench.Stdout);
        Assert.True(json.RootElement.GetProperty("replies").GetInt64() > 0);
        Assert.Equal(0, json.RootElement.GetProperty("errors").GetInt64());
        Assert.Equal(3, json.RootElement.GetProperty("clients").GetInt32());
    }

    [Fact]
    public async Task The_executable_says_so_when_nothing_listens()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var bench = ProcessRunner.Start(RepoPaths.BenchDll, ["--port", port.ToString(), "--clients", "1", "--duration", "1s"]);

        Assert.Equal(4, await bench.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("cannot connect", bench.Stderr);
    }

    [Theory]
    [InlineData(@"PING\r\n", "PING\r\n")]
    [InlineData(@"3 4\n", "3 4\n")]
    [InlineData(@"a\\n", @"a\n")]
    [InlineData(@"tab\there", "tab\there")]
    public void Requests_are_typed_with_escapes(string typed, string meant) => Assert.Equal(meant, RequestText.Unescape(typed));

    [Fact]
    public void An_unknown_escape_is_a_usage_error() => Assert.Throws<FormatException>(() => RequestText.Unescape(@"\x"));

    [Fact]
    public void A_TCP_request_is_a_line_and_a_UDP_request_is_the_datagram_as_given()
    {
        Assert.Equal("3 4\n", Encoding.UTF8.GetString(RequestText.RequestBytes("3 4", Transport.Tcp)));
        Assert.Equal("PING\r\n", Encoding.UTF8.GetString(RequestText.RequestBytes("PING\r\n", Transport.Tcp)));
        Assert.Equal("3 4", Encoding.UTF8.GetString(RequestText.RequestBytes("3 4", Transport.Udp)));
    }

    [Fact]
    public void Reply_lines_split_anywhere_are_matched_alike()
    {
        var stream = Encoding.UTF8.GetBytes("7\r\n+PONG\n7\n71\n\n");
        for (var cut = 0; cut <= stream.Length; cut++)
        {
            var verdicts = new List<bool>();
            var matcher = new ReplyMatcher("7"u8.ToArray());
            matcher.Feed(stream.AsSpan(0, cut), verdicts.Add);
            matcher.Feed(stream.AsSpan(cut), verdicts.Add);
            Assert.Equal([true, false, true, true, false], verdicts);
        }
    }
}
