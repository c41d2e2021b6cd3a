using System.Net;
using System.Net.Sockets;
using ActorSockets.Protocol;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.EndToEnd;

/// <summary>The client executable in scripts: replies on standard output, failures as documented exit codes.</summary>
public class ClientProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static string[] Target(IPEndPoint server, string transport, params string[] more) =>
    [
        "--address", server.Address.ToString(), "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--set", $"transport={transport}", .. more,
    ];

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args, string? input, bool keepInputOpen = false)
    {
        await using var client = ProcessRunner.Start(RepoPaths.ClientDll, args, redirectInput: true);
        if (input is not null)
            await client.Input.WriteAsync(input);
        await client.Input.FlushAsync();
        if (!keepInputOpen)
            client.Input.Close();
        var exit = await client.WaitForExitAsync(Bound);
        return (exit, client.Stdout, client.Stderr);
    }

    [Theory]
    [InlineData("tcp", 4)]
    [InlineData("tcp", 6)]
    [InlineData("udp", 4)]
    [InlineData("udp", 6)]
    public async Task Each_input_line_is_one_request_and_each_reply_is_printed(string transport, int ip)
    {
        await using var server = await RunningServer.StartAsync($"transport={transport}", $"ip-version={ip}");
        var (exit, stdout, stderr) = await RunAsync(Target(server.EndPoint, transport), "3 4\n\n1.5 2.25\nabc\nPING\n");
        Assert.True(exit == ExitCodes.Ok, stderr);
        Assert.Equal("7\n3.75\nERR syntax: expected two numbers, e.g. \"3 4\"\nPONG\n", stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Over_udp_a_notes_get_fetches_every_page_and_prints_one_reply()
    {
        await using var server = await RunningServer.StartAsync("service=notes", "transport=udp", "notes.store=memory");
        var posts = string.Concat(Enumerable.Range(1, 60).Select(i => $"POST note {i} {new string('n', 60)}\n"));
        var (exit, stdout, stderr) = await RunAsync(Target(server.EndPoint, "udp", "--set", "service=notes"), posts + "GET\n");
        Assert.True(exit == ExitCodes.Ok, stderr);
        var lines = stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(Enumerable.Range(1, 60).Select(i => $"OK {i}"), lines.Take(60));
        Assert.Equal("NOTES 60 60", lines[60]);
        Assert.Equal(Enumerable.Range(1, 60).Select(i => $"{i} note {i} {new string('n', 60)}"), lines.Skip(61));
    }

    [Fact]
    public async Task A_chat_script_accepts_a_given_fingerprint_remembers_it_and_says_good_bye_at_the_end()
    {
        using var folder = new TempFolder();
        await using var server = await RunningServer.StartAsync("service=chat", "chat.responder=echo", $"chat.server-key={folder.File("server.pem")}");
        var fingerprint = ActorSockets.Protocol.Chat.ChatKeys.ReadPrivateKeyPem(File.ReadAllText(folder.File("server.pem"))).Fingerprint;
        TestKeys.Save(TestKeys.Client, folder.File("client.pem"));
        string[] chat = [.. Target(server.EndPoint, "tcp", "--set", "service=chat", "--key", folder.File("client.pem"),
            "--known-hosts", folder.File("known_hosts"))];

        var (refused, _, why) = await RunAsync(chat, "hello\n");
        Assert.Equal(ExitCodes.ServerKeyNotTrusted, refused); // first use from a script, nothing accepted
        Assert.Contains($"--accept-fingerprint {fingerprint}", why);

        var (exit, stdout, stderr) = await RunAsync([.. chat, "--accept-fingerprint", fingerprint], "hello\nhow are you?\n");
        Assert.True(exit == ExitCodes.Ok, stderr);
        Assert.Equal("echo: hello\necho: how are you?\nBYE goodbye: client said Good Bye\n", stdout.ReplaceLineEndings("\n"));
        Assert.Equal($"{server.EndPoint} {fingerprint}", File.ReadAllText(folder.File("known_hosts")).Trim());

        var (again, againOut, _) = await RunAsync(chat, "known now\n"); // remembered: no flag needed
        Assert.Equal(ExitCodes.Ok, again);
        Assert.StartsWith("echo: known now", againOut);
    }

    [Theory]
    [InlineData("key")]
    [InlineData("known_hosts")]
    public async Task A_chat_file_that_cannot_be_read_or_written_is_one_clear_line_and_exit_3(string inTheWay)
    {
        using var folder = new TempFolder();
        await using var server = await RunningServer.StartAsync("service=chat", "chat.responder=echo", $"chat.server-key={folder.File("server.pem")}");
        if (inTheWay == "known_hosts")
            TestKeys.Save(TestKeys.Client, folder.File("client.pem"));
        Directory.CreateDirectory(folder.File(inTheWay == "key" ? "client.pem" : "known_hosts")); // a folder where the file should be
        var (exit, _, stderr) = await RunAsync([.. Target(server.EndPoint, "tcp", "--set", "service=chat", "--key", folder.File("client.pem"),
            "--known-hosts", folder.File("known_hosts"), "--accept-fingerprint", ServerFingerprint(folder))], "hello\n");
        Assert.Equal(ExitCodes.BadConfig, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"chat {(inTheWay == "key" ? "key" : "known hosts")} file {folder.File(inTheWay == "key" ? "client.pem" : "known_hosts")} cannot be used: ", line);
    }

    [Fact]
    public async Task Clients_starting_for_the_first_time_at_once_share_one_new_key()
    {
        using var folder = new TempFolder();
        await using var server = await RunningServer.StartAsync("service=chat", "chat.responder=echo", $"chat.server-key={folder.File("server.pem")}", "clients-limit=10");
        string[] chat = [.. Target(server.EndPoint, "tcp", "--set", "service=chat", "--key", folder.File("keys/client.pem"),
            "--known-hosts", folder.File("known_hosts"), "--accept-fingerprint", ServerFingerprint(folder))];
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => RunAsync(chat, $"hello {i}\n")));
        Assert.All(runs, run => Assert.True(run.Exit == ExitCodes.Ok, run.Stderr));
        Assert.Single(Directory.GetFiles(folder.File("keys"))); // one key, no temporary left behind
        ActorSockets.Protocol.Chat.ChatKeys.ReadPrivateKeyPem(File.ReadAllText(folder.File("keys/client.pem")));
    }

    private static string ServerFingerprint(TempFolder folder) =>
        ActorSockets.Protocol.Chat.ChatKeys.ReadPrivateKeyPem(File.ReadAllText(folder.File("server.pem"))).Fingerprint;

    [Fact]
    public async Task A_chat_server_whose_key_changed_is_refused_loudly()
    {
        using var folder = new TempFolder();
        await using var server = await RunningServer.StartAsync("service=chat", "chat.responder=echo", $"chat.server-key={folder.File("server.pem")}");
        File.WriteAllText(folder.File("known_hosts"), $"{server.EndPoint} SHA256:AnOtherKeyAltogetherAAAAAAAAAAAAAAAAAAAAAA\n");
        TestKeys.Save(TestKeys.Client, folder.File("client.pem"));
        var (exit, stdout, stderr) = await RunAsync([.. Target(server.EndPoint, "tcp", "--set", "service=chat",
            "--key", folder.File("client.pem"), "--known-hosts", folder.File("known_hosts"))], "secret\n");
        Assert.Equal(ExitCodes.ServerKeyNotTrusted, exit);
        Assert.Contains("WARNING: THE CHAT SERVER'S KEY HAS CHANGED!", stderr);
        Assert.DoesNotContain("echo", stdout); // nothing was sent
    }

    [Fact]
    public async Task A_post_that_gets_err_storage_is_sent_again_with_the_same_tag()
    {
        // A stand-in for a cluster node whose store is moving: the first try is refused, the second stored.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var lines = new List<string>();
        var server = Task.Run(async () =>
        {
            using var connection = await listener.AcceptTcpClientAsync();
            using var reader = new StreamReader(connection.GetStream());
            await using var writer = new StreamWriter(connection.GetStream()) { AutoFlush = true, NewLine = "\n" };
            foreach (var answer in new[] { "ERR storage: store unavailable, retry", "OK 7" })
            {
                var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)) ?? "";
                lines.Add(line);
                await writer.WriteLineAsync($"{line.Split(' ')[0]} {answer}");
            }
            await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)); // until the client leaves
        });
        var (exit, stdout, stderr) = await RunAsync(Target((IPEndPoint)listener.LocalEndpoint, "tcp", "--set", "service=notes"), "POST moving\n");
        await server.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exit == ExitCodes.Ok, stderr);
        Assert.Equal("OK 7", stdout.Trim());
        Assert.Equal(2, lines.Count);
        Assert.Equal(lines[0], lines[1]); // the same tag, the same note: the board stores it once
        Assert.Matches(@"^@\S{16,} POST moving$", lines[0]);
    }

    [Fact]
    public async Task A_post_whose_server_went_away_is_sent_to_the_fallback_with_the_same_tag()
    {
        // Two stand-ins for cluster nodes: the first reads the POST and dies without a word, the second stores it.
        using var dying = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        using var surviving = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        dying.Start();
        surviving.Start();
        string? toDying = null, toSurviving = null;
        var dyingNode = Task.Run(async () =>
        {
            using var connection = await dying.AcceptTcpClientAsync();
            toDying = await new StreamReader(connection.GetStream()).ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            connection.Client.Close(); // gone, with the note
        });
        var survivingNode = Task.Run(async () =>
        {
            using var connection = await surviving.AcceptTcpClientAsync();
            using var reader = new StreamReader(connection.GetStream());
            await using var writer = new StreamWriter(connection.GetStream()) { AutoFlush = true, NewLine = "\n" };
            toSurviving = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            await writer.WriteLineAsync($"{toSurviving?.Split(' ')[0]} OK 9");
            await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)); // until the client leaves
        });
        var fallback = (IPEndPoint)surviving.LocalEndpoint;
        var (exit, stdout, stderr) = await RunAsync(
            Target((IPEndPoint)dying.LocalEndpoint, "tcp", "--set", "service=notes", "--fallback", $"127.0.0.1:{fallback.Port}"), "POST kept\n");
        await Task.WhenAll(dyingNode, survivingNode).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exit == ExitCodes.Ok, stderr);
        Assert.Equal("OK 9", stdout.Trim());
        Assert.Matches(@"^@\S{16,} POST kept$", toDying);
        Assert.Equal(toDying, toSurviving); // the same tag: a node that had stored it would answer its first OK
    }

    [Fact]
    public async Task A_fallback_that_is_not_an_address_is_a_usage_error() =>
        Assert.Equal(ExitCodes.BadUsage, (await RunAsync([.. Target(new IPEndPoint(IPAddress.Loopback, 5999), "tcp"), "--fallback", "node2"], "")).Exit);

    [Fact]
    public async Task A_full_server_makes_the_client_exit_busy()
    {
        await using var server = await RunningServer.StartAsync("clients-limit=1", "timeout=off");
        await using var holder = await TcpTestClient.ConnectAsync(server.EndPoint);
        Assert.Equal("2\n", await holder.AskAsync("1 1"));
        var (exit, _, stderr) = await RunAsync(Target(server.EndPoint, "tcp"), "1 1\n");
        Assert.Equal(ExitCodes.ServerBusy, exit);
        Assert.Contains("server busy: clients limit 1 reached", stderr);
    }

    [Fact]
    public async Task An_idle_client_is_told_of_the_timeout_even_while_waiting_for_input()
    {
        await using var server = await RunningServer.StartAsync("timeout=1s");
        var (exit, _, stderr) = await RunAsync(Target(server.EndPoint, "tcp"), "1 1\n", keepInputOpen: true);
        Assert.Equal(ExitCodes.IdleTimeout, exit);
        Assert.Contains("the server ended the session: idle for 1s", stderr);
    }

    [Fact]
    public async Task Nothing_listening_makes_the_client_exit_cannot_connect()
    {
        var (exit, _, stderr) = await RunAsync(Target(new IPEndPoint(IPAddress.Loopback, FreeTcpPort()), "tcp"), "1 1\n");
        Assert.Equal(ExitCodes.CannotConnect, exit);
        Assert.Contains("connection refused", stderr);
    }

    [Fact]
    public async Task A_silent_udp_server_makes_the_client_exit_no_reply_after_its_tries()
    {
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var (exit, _, stderr) = await RunAsync(
            Target((IPEndPoint)silent.Client.LocalEndPoint!, "udp", "--wait", "200ms", "--tries", "2"), "1 1\n");
        Assert.Equal(ExitCodes.NoReply, exit);
        Assert.Contains("after 2 tries", stderr);
    }

    [Fact]
    public async Task A_server_shutting_down_makes_the_client_exit_server_closed()
    {
        var server = await RunningServer.StartAsync("timeout=off");
        await using (server)
        {
            await using var client = ProcessRunner.Start(RepoPaths.ClientDll, Target(server.EndPoint, "tcp"), redirectInput: true);
            await client.Input.WriteAsync("1 1\n");
            await client.Input.FlushAsync();
            await client.WaitForOutputAsync("^2$", Bound);
            await server.StopAsync();
            Assert.Equal(ExitCodes.ServerClosed, await client.WaitForExitAsync(Bound));
            Assert.Contains("BYE shutdown: server stopping", client.Stderr);
        }
    }

    [Fact]
    public async Task Bad_config_and_bad_usage_have_their_own_exit_codes()
    {
        Assert.Equal(ExitCodes.BadConfig, (await RunAsync(["--set", "transport=carrier-pigeon"], null)).Exit);
        Assert.Equal(ExitCodes.BadUsage, (await RunAsync(["--tries", "0"], null)).Exit);
        Assert.Equal(ExitCodes.BadUsage, (await RunAsync(["--no-such-option"], null)).Exit);
    }

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
