using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorSockets.Protocol;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Operations;

/// <summary>Issue 22, points 4 and 6: the server process as a service manager and a log shipper see it.</summary>
public sealed class ServiceProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Under_systemd_the_server_says_READY_only_once_it_is_bound_and_STOPPING_when_told_to_stop()
    {
        var notify = _folder.File("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(notify));
        var port = LoopbackPorts.Free(1)[0];
        await using var server = ProcessRunner.StartProgram("dotnet", [RepoPaths.ServerDll, "--port", port.ToString(CultureInfo.InvariantCulture)],
            environment: new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify });

        Assert.Equal("READY=1", await ReceiveAsync(socket));
        // Bound before it said so: a client connects at once.
        using (var client = new TcpClient())
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Bound);

        server.Terminate();
        Assert.Equal("STOPPING=1", await ReceiveAsync(socket));
        Assert.Equal(ExitCodes.Ok, await server.WaitForExitAsync(Bound));
    }

    [Fact]
    public async Task With_log_level_warning_no_info_line_is_written()
    {
        var port = LoopbackPorts.Free(1)[0];
        await using var server = ProcessRunner.Start(RepoPaths.ServerDll, ["--port", port.ToString(CultureInfo.InvariantCulture), "--set", "log.level=warning"]);
        var deadline = DateTime.UtcNow + Bound;
        TcpTestClient? client = null;
        while (client is null)
        {
            try
            {
                client = await TcpTestClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200); // not listening yet: no "listening on" line to wait for at this level
            }
        }
        await using (client)
        {
            // CI met this once: connected, then no answer within the client's 10 s. The failure shows
            // what the server wrote by then (warnings, errors, standard error), which may say why.
            string? reply = null;
            try
            {
                reply = await client.AskAsync("3 4");
            }
            catch (OperationCanceledException)
            {
                // no answer in time: the assertion below fails with the server's output
            }
            Assert.True(reply == "7\n", $"'3 4' answered {reply ?? "nothing"}; the server's output so far:\n{server.Stdout}\n{server.Stderr}");
        }
        server.Terminate();
        Assert.Equal(ExitCodes.Ok, await server.WaitForExitAsync(Bound));
        Assert.DoesNotContain(" INFO ", server.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", server.Stdout, StringComparison.Ordinal);
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(Bound);
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received).Trim();
    }

    [Fact]
    public async Task With_log_format_json_every_line_is_one_object_and_a_sessions_lines_carry_its_fields()
    {
        var (server, endPoint) = await ServerProcess.StartAsync("--port", "0", "--set", "log.format=json", "--set", "clients-limit=3");
        await using (server)
        {
            IPEndPoint local;
            await using (var client = await TcpTestClient.ConnectAsync(endPoint))
            {
                Assert.Equal("7\n", await client.AskAsync("3 4"));
                local = client.LocalEndPoint;
            }
            await server.WaitForOutputAsync("\"event\":\"ended\"", Bound);
            server.Terminate();
            Assert.Equal(ExitCodes.Ok, await server.WaitForExitAsync(Bound));

            var lines = server.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.All(lines, line =>
            {
                Assert.True(DateTimeOffset.TryParse(line.GetProperty("time").GetString(), CultureInfo.InvariantCulture, out _));
                Assert.Contains(line.GetProperty("level").GetString(), new[] { "DEBUG", "INFO", "WARN", "ERROR" });
                Assert.False(string.IsNullOrEmpty(line.GetProperty("source").GetString()));
                Assert.False(string.IsNullOrEmpty(line.GetProperty("message").GetString()));
            });
            var admitted = Assert.Single(lines, line => line.TryGetProperty("event", out var e) && e.GetString() == "admitted");
            Assert.Equal("limiter", admitted.GetProperty("source").GetString());
            Assert.Equal(1, admitted.GetProperty("session").GetInt64());
            Assert.Equal(local.ToString(), admitted.GetProperty("remote").GetString());
            Assert.Equal(1, admitted.GetProperty("clients").GetInt32());
            Assert.Equal(3, admitted.GetProperty("limit").GetInt32());
            var ended = Assert.Single(lines, line => line.TryGetProperty("event", out var e) && e.GetString() == "ended");
            Assert.Equal(1, ended.GetProperty("session").GetInt64());
            Assert.False(string.IsNullOrEmpty(ended.GetProperty("reason").GetString()));
        }
    }
}
