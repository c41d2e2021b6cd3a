using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// UDP reflection (a small request drawing a large reply to a forged source): with reply rate
/// limiting on, a flood of GETs draws at most the budget of reply bytes, while a real client that
/// retries still fetches the whole board. Tests turn it on explicitly: on loopback it is off.
/// </summary>
public class UdpReflectionTests
{
    private const int Budget = 2464; // two full pages a second

    [Fact]
    public async Task A_flood_of_gets_draws_no_more_than_the_budget_and_our_client_still_fetches_the_whole_board()
    {
        await using var server = await RunningServer.StartAsync("service=notes", "transport=udp", "notes.store=memory",
            "udp.rate-limit=on", $"udp.rate-limit-bytes={Budget}", "clients-limit=10");
        using (var poster = new UdpTestClient(server.EndPoint))
        {
            for (var i = 1; i <= 120; i++)
                Assert.Equal($"OK {i}\n", await poster.AskReliablyAsync($"p{i}", $"POST note {i} {new string('x', 40)}", tries: 10));
        }
        await Task.Delay(1100); // the budget refills

        // 40 GETs of 3 bytes at once, as a reflector would be sent: replies stay within the budget.
        using var flooder = new UdpTestClient(server.EndPoint);
        for (var i = 0; i < 40; i++)
            await flooder.SendAsync("GET");
        var received = 0;
        while (await flooder.ReceiveAsync(TimeSpan.FromMilliseconds(300)) is { } reply)
            received += System.Text.Encoding.UTF8.GetByteCount(reply);
        Assert.InRange(received, Budget / 2, Budget + 10 * 60); // about the budget, and a few short slow-down lines

        // Our client pages and retries: it gets all 120 notes.
        await using var client = ProcessRunner.Start(RepoPaths.ClientDll, ["--address", "127.0.0.1", "--port",
            server.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--set", "transport=udp",
            "--set", "service=notes", "--tries", "10"], redirectInput: true);
        await client.Input.WriteAsync("GET\n");
        client.Input.Close();
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var lines = client.Stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("NOTES 120 120", lines[0]);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => $"{i} note {i} {new string('x', 40)}"), lines.Skip(1));
    }

    [Theory]
    [InlineData(new string[0], "udp reply rate limit off: bound to loopback (udp.rate-limit = on to use it here)")]
    [InlineData(new[] { "--set", "udp.rate-limit=on" }, "udp reply rate limit on: 16384 bytes/s to each /24 (IPv4) or /56 (IPv6) source network")]
    public async Task The_start_log_says_whether_replies_are_rate_limited(string[] more, string expected)
    {
        var (server, _) = await ServerProcess.StartAsync(["--port", "0", "--set", "transport=udp", .. more]);
        await using (server)
            await server.WaitForOutputAsync(System.Text.RegularExpressions.Regex.Escape(expected), ServerProcess.StartWait);
    }
}
