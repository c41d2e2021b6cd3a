using System.Collections.Concurrent;
using System.Net;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.EndToEnd;

/// <summary>OK is sent only once a note is durable: a server killed outright keeps every note it confirmed.</summary>
public class NotesDurabilityTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_server_killed_with_sigkill_while_clients_post_keeps_every_note_that_got_an_ok()
    {
        var database = _folder.File("board/notes.db");
        var confirmed = new ConcurrentDictionary<long, string>();
        await using (var server = ProcessRunner.Start(RepoPaths.ServerDll,
            ["--port", "0", "--set", "service=notes", "--set", $"notes.sqlite-path={database}", "--set", "clients-limit=20", "--set", "timeout=off"]))
        {
            var listening = await server.WaitForOutputAsync(@"listening on 127\.0\.0\.1:(\d+)", Bound);
            var endPoint = new IPEndPoint(IPAddress.Loopback, int.Parse(listening.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            await using (var probe = await TcpTestClient.ConnectAsync(endPoint))
                await ServerProcess.WaitForNotesStoreAsync(() => probe.AskAsync("GET"));
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                await using var client = await TcpTestClient.ConnectAsync(endPoint);
                for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
                {
                    var text = $"writer {w} note {i}";
                    string? reply;
                    try
                    {
                        reply = await client.AskAsync("POST " + text);
                    }
                    catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException or InvalidOperationException)
                    {
                        return; // the server died under us: expected
                    }
                    if (reply is null)
                        return;
                    Assert.StartsWith("OK ", reply);
                    Assert.True(confirmed.TryAdd(long.Parse(reply[3..^1], System.Globalization.CultureInfo.InvariantCulture), text));
                }
            })).ToList();

            // Let the writers get well under way, then kill the server outright.
            for (var waited = 0; confirmed.Count < 300 && waited < 300; waited++)
                await Task.Delay(50);
            server.KillHard();
            await stop.CancelAsync();
            await Task.WhenAll(writers).WaitAsync(Bound);
        }
        Assert.True(confirmed.Count >= 300, $"only {confirmed.Count} notes were confirmed before the kill");

        await using var again = await RunningServer.StartAsync("service=notes", $"notes.sqlite-path={database}");
        await using var reader = await TcpTestClient.ConnectAsync(again.EndPoint);
        await reader.SendAsync("GET\n");
        var header = (await reader.ReadLineAsync())!.TrimEnd('\n').Split(' ');
        var count = int.Parse(header[2], System.Globalization.CultureInfo.InvariantCulture);
        var board = new Dictionary<long, string>();
        for (var i = 0; i < count; i++)
        {
            var line = (await reader.ReadLineAsync())!.TrimEnd('\n');
            var space = line.IndexOf(' ');
            board[long.Parse(line[..space], System.Globalization.CultureInfo.InvariantCulture)] = line[(space + 1)..];
        }
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), board.Keys.Order()); // ids without gaps
        foreach (var (id, text) in confirmed)
            Assert.Equal(text, board.GetValueOrDefault(id));
    }
}
