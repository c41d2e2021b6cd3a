using System.Net;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Settings;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.EndToEnd;

/// <summary>The chat service on the real server, over loopback: echo in-process, console as a real process.</summary>
public class ChatOverNetworkTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string KeyPath => _folder.File("keys/server.pem");

    /// <summary>The server as a process, with the console responder reading the standard input we write.</summary>
    private Task<(ProcessRunner Server, IPEndPoint EndPoint)> StartConsoleServerAsync() =>
        ServerProcess.StartAsync(redirectInput: true, "--port", "0", "--set", "service=chat", "--set", $"chat.server-key={KeyPath}", "--set", "timeout=off");

    private Task<RunningServer> StartEchoAsync(params string[] more) =>
        RunningServer.StartAsync(["service=chat", "chat.responder=echo", $"chat.server-key={KeyPath}", "timeout=off", "clients-limit=20", .. more]);

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public async Task Several_chats_at_once_each_take_turns_with_the_echo_responder(int ip)
    {
        await using var server = await StartEchoAsync($"ip-version={ip}");
        var chats = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            await using var chat = await ChatTestClient.ConnectAsync(server.EndPoint);
            for (var i = 0; i < 10; i++)
            {
                await chat.SayAsync($"chat {c} message {i} ✓");
                Assert.Equal($"echo: chat {c} message {i} ✓", await chat.HearAsync());
            }
            await chat.SayAsync("Good Bye");
            Assert.Equal("BYE goodbye: client said Good Bye", await chat.HearAsync());
            Assert.Null(await chat.Raw.ReadLineAsync());
        }));
        await Task.WhenAll(chats).WaitAsync(Bound);
    }

    [Fact]
    public async Task A_replayed_message_is_refused_and_the_connection_closed()
    {
        await using var server = await StartEchoAsync();
        await using var chat = await ChatTestClient.ConnectAsync(server.EndPoint);
        var first = chat.Seal("once", 1);
        await chat.Raw.SendAsync(first + "\n");
        Assert.Equal("echo: once", await chat.HearAsync());
        await chat.Raw.SendAsync(first + "\n");
        Assert.Equal("ERR crypto: wrong seq 1, expected 2\n", await chat.Raw.ReadToEndAsync());
    }

    [Fact]
    public async Task A_tampered_message_is_refused_and_the_connection_closed()
    {
        await using var server = await StartEchoAsync();
        await using var chat = await ChatTestClient.ConnectAsync(server.EndPoint);
        var fields = chat.Seal("untouched", 1).Split(' ');
        var nonce = Convert.FromBase64String(fields[3]);
        nonce[5] ^= 0x80;
        fields[3] = Convert.ToBase64String(nonce);
        await chat.Raw.SendAsync(string.Join(' ', fields) + "\n");
        Assert.Equal("ERR crypto: bad signature\n", await chat.Raw.ReadToEndAsync());
    }

    [Fact]
    public async Task The_server_key_is_made_once_and_its_fingerprint_stays_across_restarts()
    {
        string first;
        await using (var server = await StartEchoAsync())
        await using (var chat = await ChatTestClient.ConnectAsync(server.EndPoint))
            first = chat.ServerKeyBase64;
        Assert.True(File.Exists(KeyPath));
        await using var again = await StartEchoAsync();
        await using var later = await ChatTestClient.ConnectAsync(again.EndPoint);
        Assert.Equal(first, later.ServerKeyBase64);
    }

    [Fact]
    public async Task A_pkcs8_key_made_by_another_tool_is_used_as_it_is()
    {
        var key = TestKeys.Make(3072);
        TestKeys.Save(key, KeyPath);
        await using var server = await StartEchoAsync();
        await using var chat = await ChatTestClient.ConnectAsync(server.EndPoint);
        Assert.Equal(key.PublicBase64, chat.ServerKeyBase64);
    }

    [Fact]
    public async Task A_server_key_file_under_2048_bits_is_a_config_error()
    {
        using var small = System.Security.Cryptography.RSA.Create(1024);
        Directory.CreateDirectory(Path.GetDirectoryName(KeyPath)!);
        await File.WriteAllTextAsync(KeyPath, small.ExportPkcs8PrivateKeyPem());
        var error = await Assert.ThrowsAsync<SettingsException>(() => StartEchoAsync());
        Assert.Contains("actor-sockets.chat.server-key", error.Message);
        Assert.Contains("under 2048", error.Message);
    }

    [Fact]
    public async Task With_the_console_responder_the_operator_answers_from_standard_input()
    {
        var (server, endPoint) = await StartConsoleServerAsync();
        await using var _ = server;

        await using var one = await ChatTestClient.ConnectAsync(endPoint);
        await using var two = await ChatTestClient.ConnectAsync(endPoint);
        await one.SayAsync("hello from one");
        await server.WaitForOutputAsync(@"\[#1\] hello from one", Bound);
        await server.Input.WriteLineAsync("hi one");           // exactly one chat waits: a plain line answers it
        await server.Input.FlushAsync();
        Assert.Equal("hi one", await one.HearAsync(Bound));

        await two.SayAsync("hello from two");
        await one.SayAsync("one again");
        await server.WaitForOutputAsync(@"\[#2\] hello from two", Bound);
        await server.WaitForOutputAsync(@"\[#1\] one again", Bound);
        await server.Input.WriteLineAsync("ambiguous");         // two wait: it goes nowhere, and says why
        await server.Input.WriteLineAsync("#2 hi two");
        await server.Input.WriteLineAsync("#1 Good Bye");
        await server.Input.FlushAsync();
        await server.WaitForOutputAsync(@"several chats are waiting", Bound);
        Assert.Equal("hi two", await two.HearAsync(Bound));
        Assert.Equal("Good Bye", await one.HearAsync(Bound));
        Assert.Equal("BYE goodbye: server said Good Bye", await one.HearAsync(Bound));

        server.Terminate();
        Assert.Equal(ExitCodes.Ok, await server.WaitForExitAsync(Bound));
    }

    [Fact]
    public async Task When_the_operators_input_closes_waiting_chats_end_with_bye_and_new_ones_are_refused()
    {
        var (server, endPoint) = await StartConsoleServerAsync();
        await using var _ = server;

        await using var waiting = await ChatTestClient.ConnectAsync(endPoint);
        await waiting.SayAsync("anyone there?");
        await server.WaitForOutputAsync(@"\[#1\] anyone there\?", Bound);

        server.Input.Close(); // a detached server: nobody at the console any more
        Assert.Equal("BYE shutdown: no one can answer: the server's operator console is closed\n", await waiting.Raw.ReadLineAsync(Bound));
        Assert.Null(await waiting.Raw.ReadLineAsync(Bound));

        await using var late = await TcpTestClient.ConnectAsync(endPoint);
        Assert.Equal("ERR unsupported: no one can answer: the server's operator console is closed\n", await late.ReadToEndAsync(Bound));
        await server.WaitForOutputAsync(@"closed: the chat operator's input is gone", Bound);

        server.Terminate();
        Assert.Equal(ExitCodes.Ok, await server.WaitForExitAsync(Bound));
    }
}
