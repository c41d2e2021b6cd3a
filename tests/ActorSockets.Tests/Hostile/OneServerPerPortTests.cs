using System.Globalization;
using ActorSockets.Protocol;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// A port is never shared (PROTOCOL.md section 6): a second copy of the server on a port in use is
/// refused with exit 4, on TCP and UDP, IPv4 and IPv6. Two TCP servers on one port used to both run,
/// the kernel spreading connections over them, and two note boards corrupted one database.
/// </summary>
public class OneServerPerPortTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("tcp", "127.0.0.1")]
    [InlineData("tcp", "::1")]
    [InlineData("udp", "127.0.0.1")]
    [InlineData("udp", "::1")]
    public async Task A_second_server_on_a_port_in_use_exits_4_and_the_first_keeps_serving(string transport, string address)
    {
        var (first, endPoint) = await ServerProcess.StartAsync("--address", address, "--port", "0", "--set", $"transport={transport}");
        await using (first)
        {
            var port = endPoint.Port.ToString(CultureInfo.InvariantCulture);
            await using var second = ProcessRunner.Start(RepoPaths.ServerDll, ["--address", address, "--port", port, "--set", $"transport={transport}"]);
            Assert.Equal(ExitCodes.CannotConnect, await second.WaitForExitAsync(Bound));
            Assert.Contains($"cannot listen on {endPoint} ({transport})", second.Stderr);
            Assert.DoesNotContain("listening on", second.Stdout);

            if (transport == "tcp")
            {
                await using var client = await TcpTestClient.ConnectAsync(endPoint);
                Assert.Equal("7\n", await client.AskAsync("3 4"));
            }
            else
            {
                using var client = new UdpTestClient(endPoint);
                Assert.Equal("@t 7\n", await client.AskReliablyRawAsync("t", "3 4"));
            }
        }
    }

    [Fact]
    public async Task A_server_restarted_at_once_binds_its_port_again_while_its_last_connections_are_in_time_wait()
    {
        var (first, endPoint) = await ServerProcess.StartAsync("--port", "0", "--set", "timeout=off");
        await using (first)
        {
            // The server closes first after QUIT, so the server's side of each connection sits in TIME_WAIT.
            for (var i = 0; i < 3; i++)
            {
                await using var client = await TcpTestClient.ConnectAsync(endPoint);
                Assert.Equal("BYE quit\n", await client.AskAsync("QUIT"));
                Assert.Equal("", await client.ReadToEndAsync(Bound));
            }
            first.Terminate();
            Assert.Equal(ExitCodes.Ok, await first.WaitForExitAsync(Bound));
        }
        Assert.True(TimeWaitCount(endPoint.Port) > 0, "the test needs connections in TIME_WAIT on the port");

        var (again, sameEndPoint) = await ServerProcess.StartAsync("--port", endPoint.Port.ToString(CultureInfo.InvariantCulture));
        await using (again)
        {
            Assert.Equal(endPoint, sameEndPoint);
            await using var client = await TcpTestClient.ConnectAsync(sameEndPoint);
            Assert.Equal("7\n", await client.AskAsync("3 4"));
        }
    }

    /// <summary>Sockets in TIME_WAIT whose local port is <paramref name="port"/>, from /proc/net/tcp (state 06).</summary>
    private static int TimeWaitCount(int port)
    {
        var hexPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/tcp")
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields[1].EndsWith(hexPort, StringComparison.Ordinal) && fields[3] == "06");
    }
}
