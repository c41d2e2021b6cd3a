using System.Net;
using System.Net.Sockets;
using ActorSockets.CommandLine;
using ActorSockets.Protocol;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.EndToEnd;

/// <summary>The server executable as a person runs it: start, logs, SIGTERM, exit codes.</summary>
public class ServerProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigterm_says_bye_shutdown_to_every_client_and_exits_with_zero()
    {
        await using var server = ProcessRunner.Start(RepoPaths.ServerDll, ["--port", "0", "--set", "clients-limit=3", "--set", "timeout=off"]);
        var listening = await server.WaitForOutputAsync(@"sum over tcp listening on 127\.0\.0\.1:(\d+); clients limit 3, idle timeout off", Bound);
        var endPoint = new IPEndPoint(IPAddress.Loopback, int.Parse(listening.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        await using var client = await TcpTestClient.ConnectAsync(endPoint);
        Assert.Equal("2\n", await client.AskAsync("1 1"));
        await server.WaitForOutputAsync(@"session 1 admitted: 127\.0\.0\.1:\d+ \(1/3 clients\)", Bound);

        server.Terminate();
        Assert.Equal("BYE shutdown: server stopping\n", await client.ReadToEndAsync(Bound));
        Assert.Equal(ExitCodes.Ok, await server.WaitForExitAsync(Bound));
        Assert.Matches(@"session 1 closed: server stopping: 127\.0\.0\.1:\d+ \(0/3 clients\)", server.Stdout);
    }

    [Fact]
    public async Task The_server_runs_one_socket_engine_thread_for_every_two_cores()
    {
        // What the server asks of .NET unless the environment sets the count (SocketEngineDefaults).
        var expected = int.TryParse(Environment.GetEnvironmentVariable(SocketEngineDefaults.EngineCount), out var set)
            ? set : SocketEngineDefaults.EnginesFor(Environment.ProcessorCount);
        await using var server = ProcessRunner.Start(RepoPaths.ServerDll, ["--port", "0"]);
        var endPoint = ServerProcess.EndPointOf(await server.WaitForOutputAsync(ServerProcess.ListeningLine, Bound));
        await using var client = await TcpTestClient.ConnectAsync(endPoint);
        Assert.Equal("2\n", await client.AskAsync("1 1"));

        // Counted by the name .NET gives each engine's epoll thread, the name SameThreadExecutor runs mailboxes inline on.
        Assert.Equal(expected, ThreadNames(server.Id).Count(name => name == ActorSockets.Server.SameThreadExecutor.SocketEngineThreadName));
    }

    /// <summary>The names of a process's threads (Linux: /proc); a thread that ends while they are read is left out.</summary>
    private static List<string> ThreadNames(int processId)
    {
        var names = new List<string>();
        foreach (var task in Directory.GetDirectories($"/proc/{processId}/task"))
        {
            try
            {
                names.Add(File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'));
            }
            catch (IOException)
            {
                // The thread ended after the listing (its files go with it, or reading them says it is
                // gone): not an engine thread, which lives as long as the process.
            }
        }
        return names;
    }

    [Fact]
    public async Task Sigterm_says_bye_to_clients_that_stopped_reading_once_they_read_and_cuts_off_those_that_never_do()
    {
        var (server, endPoint) = await ServerProcess.StartAsync("--port", "0", "--set", "clients-limit=30", "--set", "timeout=off");
        await using (server)
        {
            // Each pipelines requests without reading until the server stops reading it (its replies pile up).
            var readers = new List<Socket>();
            var neverReaders = new List<Socket>();
            for (var i = 0; i < 8; i++)
                (i < 6 ? readers : neverReaders).Add(await FloodWithoutReading(endPoint));
            // All eight admitted first: a flood can keep a socket thread busy for a moment, and a client
            // still waiting to be accepted when the server stops is not what this test is about.
            await server.WaitForOutputAsync(@"\(8/30 clients\)", Bound);
            server.Terminate();

            var endings = await Task.WhenAll(readers.Select(ReadToTheEnd));
            Assert.All(endings, ending => Assert.EndsWith("BYE shutdown: server stopping\n", ending));
            Assert.Equal(ExitCodes.Ok, await server.WaitForExitAsync(Bound)); // the never-readers were cut off
            foreach (var socket in readers.Concat(neverReaders))
                socket.Dispose();
        }
    }

    private static async Task<Socket> FloodWithoutReading(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server);
        var requests = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("1 1\n", 16_384)));
        // 2 MB of requests, well past what the server reads before it stops reading a client whose
        // replies pile up, or until the kernel takes no more: bounded by count and time.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            for (var i = 0; i < 32; i++)
                await socket.SendAsync(requests, SocketFlags.None, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The socket's buffers are full: what the test wanted.
        }
        return socket;
    }

    /// <summary>The last 200 characters the socket reads before the server closes it (bounded in time).</summary>
    private static async Task<string> ReadToTheEnd(Socket socket)
    {
        var buffer = new byte[1 << 16];
        var tail = "";
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                tail += System.Text.Encoding.ASCII.GetString(buffer, 0, n);
                if (tail.Length > 200)
                    tail = tail[^200..];
            }
        }
        catch (SocketException e)
        {
            return $"{e.SocketErrorCode} after: {tail}";
        }
        return tail;
    }

    [Theory]
    [InlineData(new[] { "--set", "port=80" }, "actor-sockets.port = \"80\" is not allowed")]
    [InlineData(new[] { "--set", "clients-limit=none" }, "actor-sockets.clients-limit = \"none\"")]
    [InlineData(new[] { "--set", "timeuot=5s" }, "actor-sockets.timeuot is not a known key")]
    [InlineData(new[] { "--config", "/nonexistent/dir/server.conf" }, "config file '/nonexistent/dir/server.conf' not found")]
    [InlineData(new[] { "--set", "service=chat", "--set", "chat.server-key=/dev/null" }, "actor-sockets.chat.server-key = \"/dev/null\" is not allowed")]
    [InlineData(new[] { "--set", "service=notes", "--set", "notes.sqlite-path=/dev/null" }, "actor-sockets.notes.sqlite-path = \"/dev/null\" is not allowed")]
    [InlineData(new[] { "--set", "transport=udp", "--set", "udp.rate-limit=on", "--set", "udp.max-datagram-bytes=20000", "--set", "udp.rate-limit-bytes=16384" },
        "actor-sockets.udp.rate-limit-bytes = \"16384\" is not allowed: at least udp.max-datagram-bytes (20000)")]
    [InlineData(new[] { "--config", "/dev/zero" }, "config error: '/dev/zero' is over 1024 KiB")]
    public async Task A_bad_setting_stops_the_server_before_binding_with_one_clear_line(string[] args, string expected)
    {
        await using var server = ProcessRunner.Start(RepoPaths.ServerDll, args);
        Assert.Equal(ExitCodes.BadConfig, await server.WaitForExitAsync(Bound));
        Assert.Contains(expected, server.Stderr);
        Assert.DoesNotContain("listening on", server.Stdout);
    }

    [Theory]
    [InlineData("akka { loglevel = LOUD }", "config error: akka.loglevel = \"LOUD\" is not allowed: OFF, DEBUG, INFO, WARNING or ERROR")]
    [InlineData("akka.actor.provider = \"No.Such.Provider, Nowhere\"", "config error: the akka settings cannot be used: 'akka.actor.provider' is not a valid type name")]
    [InlineData("akka.actor.default-dispatcher.type = Bogus", "config error: the akka settings cannot be used: Could not resolve dispatcher type Bogus")]
    [InlineData("akka.actor.provider = cluster", "config error: akka.actor.provider = \"cluster\" is not allowed: local outside cluster mode")]
    [InlineData("include required(\"missing.conf\")", "config error: '")]
    [InlineData("include \"absent.conf\"\nactor-sockets.clients-limit = 0", "config error: actor-sockets.clients-limit = \"0\" is not allowed")]
    public async Task A_bad_akka_section_stops_the_server_with_one_line_and_exit_3(string akkaSection, string expected)
    {
        using var folder = new TempFolder();
        var config = folder.File("bad-akka.conf");
        await File.WriteAllTextAsync(config, akkaSection + "\n");
        await using var server = ProcessRunner.Start(RepoPaths.ServerDll, ["--config", config, "--port", "0"]);
        Assert.Equal(ExitCodes.BadConfig, await server.WaitForExitAsync(Bound));
        Assert.StartsWith(expected, Assert.Single(server.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("", server.Stdout); // no stack trace, no half-started server
    }

    [Fact]
    public async Task Log_file_gets_every_line_standard_output_gets()
    {
        using var folder = new TempFolder();
        var logFile = folder.File("server.log");
        var (server, endPoint) = await ServerProcess.StartAsync("--port", "0", "--set", $"log.file={logFile}");
        await using (server)
        {
            await using (var client = await TcpTestClient.ConnectAsync(endPoint))
                Assert.Equal("7\n", await client.AskAsync("3 4"));
            await server.WaitForOutputAsync("session 1 closed", ServerProcess.StartWait);
            var logged = await File.ReadAllTextAsync(logFile);
            Assert.Contains("listening on", logged);
            Assert.Contains("session 1 admitted", logged);
            Assert.Contains("session 1 closed", logged);
        }
    }

    [Fact]
    public async Task With_view_but_no_terminal_the_server_logs_as_always()
    {
        // Standard output is a pipe here, as under CI or `| tee`: the view stays off, the log lines stay.
        var (server, endPoint) = await ServerProcess.StartAsync("--port", "0", "--view");
        await using (server)
        {
            await using (var client = await TcpTestClient.ConnectAsync(endPoint))
                Assert.Equal("7\n", await client.AskAsync("3 4"));
            await server.WaitForOutputAsync("session 1 admitted", ServerProcess.StartWait);
            Assert.DoesNotContain("last events", server.Stdout);
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task A_port_in_use_is_an_error_with_its_own_exit_code(string transport)
    {
        using var occupant = transport == "tcp"
            ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        if (transport == "tcp")
            occupant.Listen();
        var port = ((IPEndPoint)occupant.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var server = ProcessRunner.Start(RepoPaths.ServerDll, ["--port", port, "--set", $"transport={transport}"]);
        Assert.Equal(ExitCodes.CannotConnect, await server.WaitForExitAsync(Bound));
        Assert.Contains($"cannot listen on 127.0.0.1:{port} ({transport})", server.Stderr);
        Assert.DoesNotContain("listening on", server.Stdout);
        Assert.DoesNotContain("failed in phase", server.Stdout); // shutdown after a failed bind does not hang
        Assert.DoesNotContain("Hosting failed to start", server.Stdout); // the one line on standard error says it
    }

    [Fact]
    public async Task An_address_this_machine_does_not_have_is_an_error()
    {
        // 192.0.2.1 is TEST-NET-1, never assigned to a host: binding fails at once and sends nothing.
        await using var server = ProcessRunner.Start(RepoPaths.ServerDll, ["--address", "192.0.2.1", "--port", "0"]);
        Assert.Equal(ExitCodes.CannotConnect, await server.WaitForExitAsync(Bound));
        Assert.Contains("cannot listen on 192.0.2.1:0 (tcp)", server.Stderr);
    }

    [Theory]
    [InlineData("tcp", "akka.io.tcp.receive-buffer-size = 100")]
    [InlineData("udp", "akka.io.udp.direct-buffer-pool.buffer-size = 0")]
    public async Task Akka_io_settings_that_akka_refuses_end_the_start_with_their_reason(string transport, string setting)
    {
        using var folder = new TempFolder();
        var config = folder.File("bad-io.conf");
        await File.WriteAllTextAsync(config, $"actor-sockets.transport = {transport}\n{setting}\n");
        await using var server = ProcessRunner.Start(RepoPaths.ServerDll, ["--config", config, "--port", "0"]);
        Assert.Equal(ExitCodes.CannotConnect, await server.WaitForExitAsync(Bound));
        Assert.Contains($"({transport}): akka.io settings:", server.Stderr);
        Assert.DoesNotContain("listening on", server.Stdout);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error()
    {
        await using var server = ProcessRunner.Start(RepoPaths.ServerDll, ["--prot", "5050"]);
        Assert.Equal(ExitCodes.BadUsage, await server.WaitForExitAsync(Bound));
        Assert.Contains("usage error", server.Stderr);
    }
}
