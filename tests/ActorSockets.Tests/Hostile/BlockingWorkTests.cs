using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ActorSockets.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// The server runs requests on the socket engine's threads (SameThreadExecutor); whatever may block
/// runs elsewhere, and these tests block it for real while other clients are served: the notes
/// journal held by another process's SQLite lock, and the log held by a reader that stopped reading.
/// Had either run on the sockets' threads, an engine would stall and every client on it wait.
/// </summary>
public class BlockingWorkTests : IDisposable
{
    private const int Clients = 12; // sockets spread over the engines: some share the blocked one's
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// The journal's write blocks in SQLite's busy wait, for seconds, while other clients connect
    /// and ask what needs no store.
    /// </summary>
    [Fact]
    public async Task A_journal_held_busy_by_a_database_lock_does_not_stall_other_clients()
    {
        var database = _folder.File("notes.db");
        var (server, endPoint) = await ServerProcess.StartAsync("--port", "0", "--set", "service=notes",
            "--set", $"notes.sqlite-path={database}", "--set", "timeout=off", "--set", "clients-limit=50");
        await using (server)
        {
            await using var writer = await TcpTestClient.ConnectAsync(endPoint);
            Assert.Equal("OK 1\n", await writer.AskAsync("POST before the lock"));

            await using (var locker = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                locker.Open();
                using (var begin = locker.CreateCommand())
                {
                    begin.CommandText = "BEGIN EXCLUSIVE";
                    begin.ExecuteNonQuery();
                }
                var blockedPost = writer.AskAsync("POST while locked", TimeSpan.FromSeconds(60));

                // Every other client is admitted and answered while the journal waits on the lock.
                var others = Enumerable.Range(0, Clients).Select(async i =>
                {
                    await using var client = await TcpTestClient.ConnectAsync(endPoint);
                    return (await client.AskAsync($"NOSUCH {i}", TimeSpan.FromSeconds(3)), await client.AskAsync("STATS", TimeSpan.FromSeconds(3)));
                }).ToArray();
                foreach (var (unknown, stats) in await Task.WhenAll(others))
                {
                    Assert.StartsWith("ERR ", unknown);
                    Assert.StartsWith("STATS ", stats);
                }
                Assert.False(blockedPost.IsCompleted, "the POST was answered although the journal was locked: nothing was blocked");
                using var rollback = locker.CreateCommand();
                rollback.CommandText = "ROLLBACK";
                rollback.ExecuteNonQuery();

                // Nothing lost: the held POST is answered, and whatever it was told is what GET shows.
                var answer = await blockedPost;
                var board = await writer.AskAsync("GET");
                if (answer == "OK 2\n")
                    Assert.Equal("NOTES 2 2\n", board);
                else
                {
                    Assert.StartsWith("ERR storage: ", answer);
                    Assert.Equal("NOTES 1 1\n", board);
                }
            }
        }
    }

    /// <summary>
    /// A terminal paused with Ctrl-S, or <c>server | less</c> left on one page: once the pipe is full
    /// (64 KiB on Linux) every write to standard output blocks. Each client here costs the log two
    /// lines (admitted, closed), so a few hundred clients fill it; all of them must still be served.
    /// </summary>
    [Fact]
    public async Task A_log_nobody_reads_does_not_stall_the_clients()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { RepoPaths.ServerDll, "--port", "0", "--set", "timeout=off", "--set", "clients-limit=50" })
            info.ArgumentList.Add(arg);
        using var server = Process.Start(info)!;
        try
        {
            var endPoint = await ReadListeningLineAsync(server.StandardOutput); // and from here on, nobody reads
            const int rounds = 1500; // about 100 bytes a line, two lines a client: 300 KB, far past the pipe
            for (var i = 0; i < rounds; i++)
            {
                await using var client = await TcpTestClient.ConnectAsync(endPoint);
                Assert.Equal($"{i + 1}\n", await client.AskAsync($"{i} 1", TimeSpan.FromSeconds(5)));
            }
            Assert.False(server.HasExited, "the server ended");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }
    }

    private static async Task<IPEndPoint> ReadListeningLineAsync(StreamReader output)
    {
        using var timeout = new CancellationTokenSource(ServerProcess.StartWait);
        while (await output.ReadLineAsync(timeout.Token) is { } line)
        {
            var match = Regex.Match(line, ServerProcess.ListeningLine);
            if (match.Success)
                return ServerProcess.EndPointOf(match);
        }
        throw new InvalidOperationException("the server ended before it listened");
    }
}
