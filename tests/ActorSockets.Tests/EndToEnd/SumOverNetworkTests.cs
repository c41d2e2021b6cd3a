using System.Diagnostics;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.EndToEnd;

/// <summary>
/// The real server on loopback, driven by raw sockets as netcat or a Python script would drive it,
/// for each of TCP/UDP over IPv4/IPv6. Replies are compared byte for byte with PROTOCOL.md.
/// </summary>
public class SumOverNetworkTests
{
    public static TheoryData<string, int> Transports => new() { { "tcp", 4 }, { "tcp", 6 }, { "udp", 4 }, { "udp", 6 } };

    private static string[] Sets(string transport, int ip, params string[] more) =>
        [$"transport={transport}", $"ip-version={ip}", .. more];

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Many_concurrent_clients_each_get_their_own_exact_sums(string transport, int ip)
    {
        const int clients = 100, requests = 100;
        await using var server = await RunningServer.StartAsync(Sets(transport, ip, "clients-limit=200", "timeout=off"));
        var all = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            if (transport == "tcp")
            {
                await using var client = await TcpTestClient.ConnectAsync(server.EndPoint);
                for (var i = 0; i < requests; i++)
                {
                    var (request, expected) = ReferenceSum.RandomProblem(random);
                    Assert.Equal(expected + "\n", await client.AskAsync(request));
                }
            }
            else
            {
                using var client = new UdpTestClient(server.EndPoint);
                for (var i = 0; i < requests; i++)
                {
                    var (request, expected) = ReferenceSum.RandomProblem(random);
                    Assert.Equal(expected + "\n", await client.AskReliablyAsync($"r{i}", request));
                }
            }
        }));
        await Task.WhenAll(all).WaitAsync(Bound);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public async Task A_netcat_style_client_gets_exactly_the_bytes_of_the_protocol(int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets("tcp", ip));
        await using var client = await TcpTestClient.ConnectAsync(server.EndPoint);
        await client.SendAsync("3 4\n1.5 2.25\r\n1.5 2.5\n-0.5 0.5\n99999999999999999999 1\n\n@x ping\n1e3 1\n@t\n5 6");
        client.ShutdownSend(); // nc -N: every reply still comes, the unterminated last line too
        Assert.Equal(
            "7\n3.75\n4\n0\n100000000000000000000\n@x PONG\nERR syntax: expected two numbers, e.g. \"3 4\"\n" +
            "@t ERR syntax: nothing after the tag\n11\n",
            await client.ReadToEndAsync());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task The_clients_limit_refuses_one_too_many_and_frees_the_place_when_a_client_leaves(string transport, int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets(transport, ip, "clients-limit=2", "timeout=off"));
        if (transport == "tcp")
        {
            await using var a = await TcpTestClient.ConnectAsync(server.EndPoint);
            await using var b = await TcpTestClient.ConnectAsync(server.EndPoint);
            Assert.Equal("2\n", await a.AskAsync("1 1"));
            Assert.Equal("4\n", await b.AskAsync("2 2"));
            await using (var refused = await TcpTestClient.ConnectAsync(server.EndPoint))
                Assert.Equal("ERR busy: clients limit 2 reached\n", await refused.ReadToEndAsync());

            Assert.Equal("BYE quit\n", await a.AskAsync("QUIT"));
            Assert.Null(await a.ReadLineAsync());
            Assert.Equal("6\n", await RetryUntilAdmittedAsync(async () =>
            {
                await using var c = await TcpTestClient.ConnectAsync(server.EndPoint);
                return await c.AskAsync("3 3");
            }));
        }
        else
        {
            using var a = new UdpTestClient(server.EndPoint);
            using var b = new UdpTestClient(server.EndPoint);
            using var c = new UdpTestClient(server.EndPoint);
            // Proven endpoints (they echoed their cookie): real clients, which keep their places.
            Assert.Equal("2\n", await a.AskAsync("1 1"));
            await a.ProveAsync();
            Assert.Equal("4\n", await b.AskAsync("2 2"));
            await b.ProveAsync();
            Assert.Equal("@t ERR busy: clients limit 2 reached\n", await c.AskAsync("@t 3 3"));
            Assert.Equal("BYE quit\n", await a.AskAsync("QUIT"));
            Assert.Equal("6\n", await RetryUntilAdmittedAsync(() => c.AskAsync("3 3")));
        }
    }

    /// <summary>A freed place is free as soon as the limiter hears of it; allow a few short retries for that hop.</summary>
    private static async Task<string?> RetryUntilAdmittedAsync(Func<Task<string?>> ask)
    {
        string? reply = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            reply = await ask();
            if (reply?.StartsWith("ERR busy", StringComparison.Ordinal) != true)
                return reply;
            await Task.Delay(50);
        }
        return reply;
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task An_idle_client_gets_bye_timeout_within_a_second_after_the_timeout(string transport, int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets(transport, ip, "timeout=1s"));
        var idle = Stopwatch.StartNew();
        string? bye;
        if (transport == "tcp")
        {
            await using var client = await TcpTestClient.ConnectAsync(server.EndPoint);
            Assert.Equal("2\n", await client.AskAsync("1 1"));
            idle.Restart();
            bye = await client.ReadLineAsync(TimeSpan.FromSeconds(10));
            idle.Stop();
            Assert.Null(await client.ReadLineAsync());
        }
        else
        {
            using var client = new UdpTestClient(server.EndPoint);
            Assert.Equal("2\n", await client.AskAsync("1 1"));
            idle.Restart();
            bye = await client.ReceiveAsync(TimeSpan.FromSeconds(10));
            idle.Stop();
        }
        Assert.Equal("BYE timeout: idle for 1s\n", bye);
        Assert.InRange(idle.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(2.5));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_request_over_the_line_limit_is_refused_and_one_at_the_limit_is_served(string transport, int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets(transport, ip));
        var atLimit = new string('1', 4095) + " " + new string('1', 4096); // 8192 bytes
        var expected = "1" + new string('2', 4095) + "\n";
        var overLimit = new string('1', 8193);
        if (transport == "tcp")
        {
            await using var client = await TcpTestClient.ConnectAsync(server.EndPoint);
            Assert.Equal(expected, await client.AskAsync(atLimit));
            await client.SendAsync(overLimit + "\n1 1\n");
            Assert.Equal("ERR too-long: line exceeds 8192 bytes\n", await client.ReadToEndAsync());
        }
        else
        {
            using var client = new UdpTestClient(server.EndPoint);
            // The datagram at the limit is read whole, but its 4097-byte sum cannot fit one 1232-byte reply datagram.
            Assert.Equal("ERR too-long: reply exceeds 1232 bytes (udp.max-datagram-bytes)\n", await client.AskAsync(atLimit));
            Assert.Equal("ERR too-long: datagram exceeds 8192 bytes\n", await client.AskAsync(overLimit));
            Assert.Equal("2\n", await client.AskAsync("1 1"));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Invalid_utf8_gets_an_error_and_the_session_goes_on(string transport, int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets(transport, ip));
        byte[] garbage = [0xff, 0xfe, 0x20, 0x31];
        if (transport == "tcp")
        {
            await using var client = await TcpTestClient.ConnectAsync(server.EndPoint);
            await client.SendAsync([.. garbage, (byte)'\n']);
            Assert.Equal("ERR utf8: request is not valid UTF-8\n", await client.ReadLineAsync());
            Assert.Equal("2\n", await client.AskAsync("1 1"));
        }
        else
        {
            using var client = new UdpTestClient(server.EndPoint);
            await client.SendAsync(garbage);
            Assert.Equal("ERR utf8: request is not valid UTF-8\n", await client.ReceiveAsync());
            Assert.Equal("2\n", await client.AskAsync("1 1"));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_crashing_session_is_stopped_and_every_other_client_goes_on(string transport, int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets(transport, ip, "debug.crash-command=on", "timeout=off"));
        if (transport == "tcp")
        {
            await using var crashing = await TcpTestClient.ConnectAsync(server.EndPoint);
            await using var other = await TcpTestClient.ConnectAsync(server.EndPoint);
            Assert.Equal("2\n", await other.AskAsync("1 1"));
            await crashing.SendAsync("CRASH\n");
            Assert.Equal("BYE crashed: internal error\n", await crashing.ReadToEndAsync());
            Assert.Equal("5\n", await other.AskAsync("2 3"));
            Assert.Contains("crashes=1", await EventuallyAsync(() => other.AskAsync("STATS"), "crashes=1"));
        }
        else
        {
            using var crashing = new UdpTestClient(server.EndPoint);
            using var other = new UdpTestClient(server.EndPoint);
            Assert.Equal("2\n", await other.AskAsync("1 1"));
            Assert.Equal("BYE crashed: internal error\n", await crashing.AskAsync("CRASH"));
            Assert.Equal("5\n", await other.AskAsync("2 3"));
            Assert.Contains("crashes=1", await EventuallyAsync(() => other.AskAsync("STATS"), "crashes=1"));
            Assert.Equal("3\n", await crashing.AskAsync("1 2")); // its next datagram opens a new session
        }
    }

    private static async Task<string?> EventuallyAsync(Func<Task<string?>> ask, string expected)
    {
        string? reply = null;
        for (var attempt = 0; attempt < 20 && reply?.Contains(expected, StringComparison.Ordinal) != true; attempt++)
        {
            if (attempt > 0)
                await Task.Delay(50);
            reply = await ask();
        }
        return reply;
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task On_shutdown_every_client_gets_bye_shutdown(string transport, int ip)
    {
        var server = await RunningServer.StartAsync(Sets(transport, ip, "timeout=off"));
        await using (server)
        {
            if (transport == "tcp")
            {
                await using var client = await TcpTestClient.ConnectAsync(server.EndPoint);
                Assert.Equal("2\n", await client.AskAsync("1 1"));
                var stopping = server.StopAsync();
                Assert.Equal("BYE shutdown: server stopping\n", await client.ReadToEndAsync());
                await stopping.WaitAsync(Bound);
            }
            else
            {
                using var client = new UdpTestClient(server.EndPoint);
                Assert.Equal("2\n", await client.AskAsync("1 1"));
                var stopping = server.StopAsync();
                Assert.Equal("BYE shutdown: server stopping\n", await client.ReceiveAsync());
                await stopping.WaitAsync(Bound);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Stats_counts_clients_requests_and_refusals(string transport, int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets(transport, ip, "clients-limit=1", "timeout=off"));
        if (transport == "tcp")
        {
            await using var client = await TcpTestClient.ConnectAsync(server.EndPoint);
            Assert.Equal("2\n", await client.AskAsync("1 1"));
            await using (var refused = await TcpTestClient.ConnectAsync(server.EndPoint))
                await refused.ReadToEndAsync();
            // The refusal is counted before ERR busy is written, so it shows at once.
            Assert.Equal("@s STATS clients=1/1 admitted=1 refused=1 timeouts=0 crashes=0 requests=2\n", await client.AskAsync("@s STATS"));
        }
        else
        {
            using var client = new UdpTestClient(server.EndPoint);
            using var refused = new UdpTestClient(server.EndPoint);
            Assert.Equal("2\n", await client.AskAsync("1 1"));
            var first = await client.AskAsync("@s STATS");
            Assert.Matches(@"^@s STATS clients=1/1 admitted=1 refused=0 timeouts=0 crashes=0 requests=2 cookie=[A-Za-z0-9_-]{12}\n$", first);
            var cookie = first![^13..^1];
            // Echoing the cookie proves the client reads at its address: it keeps its place.
            Assert.Equal($"@{cookie}-1 2\n", await client.AskAsync($"@{cookie}-1 1 1"));
            Assert.Equal("ERR busy: clients limit 1 reached\n", await refused.AskAsync("1 1"));
            Assert.Equal($"@s STATS clients=1/1 admitted=1 refused=1 timeouts=0 crashes=0 requests=4 cookie={cookie}\n", await client.AskAsync("@s STATS"));
        }
    }
}
