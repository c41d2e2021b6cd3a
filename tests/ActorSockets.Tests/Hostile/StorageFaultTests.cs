using System.Diagnostics;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// A real SQLite board whose files turn unwritable under a running server (<c>chattr +i</c> on the
/// database and its write-ahead log, where commits go: the tests run as root, which file modes do
/// not stop): POST gets <c>ERR storage</c> with SQLite's
/// reason, GET goes on, the store recovers by itself when the file is writable again, nothing
/// acknowledged is lost, and the log has one line for the failure and one for the recovery.
/// </summary>
public class StorageFaultTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        Chattr("-i", _folder.File("notes.db"));
        Chattr("-i", _folder.File("notes.db-wal"));
        _folder.Dispose();
    }

    [Fact]
    public async Task A_database_made_unwritable_at_run_time_refuses_posts_serves_gets_and_recovers_by_itself()
    {
        var database = _folder.File("notes.db");
        var (server, endPoint) = await StartNotesServerAsync(database);
        await using (server)
        {
            await using var client = await TcpTestClient.ConnectAsync(endPoint);
            Assert.Equal("OK 1\n", await client.AskAsync("POST before one"));
            Assert.Equal("OK 2\n", await client.AskAsync("POST before two"));

            Chattr("+i", database);
            Chattr("+i", database + "-wal");
            var refused = await client.AskAsync("POST while unwritable");
            Assert.StartsWith("ERR storage: the journal could not write: SQLite Error", refused);
            Assert.DoesNotContain(Path.GetFileName(database), refused); // no server path reaches a client
            Assert.Equal("NOTES 2 2\n", await client.AskAsync("GET"));
            Assert.Equal("1 before one\n", await client.ReadLineAsync());
            Assert.Equal("2 before two\n", await client.ReadLineAsync());
            for (var i = 0; i < 5; i++)
                Assert.StartsWith("ERR storage: ", await client.AskAsync($"POST refused {i}"));

            Chattr("-i", database);
            Chattr("-i", database + "-wal");
            string? accepted = null;
            for (var attempt = 0; attempt < 100 && accepted is null; attempt++)
            {
                var reply = await client.AskAsync("POST after");
                if (reply!.StartsWith("OK ", StringComparison.Ordinal))
                    accepted = reply;
                else
                    await Task.Delay(200);
            }
            Assert.Equal("OK 3\n", accepted); // no refused note took an id
            Assert.Equal("NOTES 3 3\n", await client.AskAsync("GET"));
            Assert.Equal("1 before one\n", await client.ReadLineAsync());
            Assert.Equal("2 before two\n", await client.ReadLineAsync());
            Assert.Equal("3 after\n", await client.ReadLineAsync());

            // The store answers the note first, then tells its supervisor, which logs the recovery:
            // the line may reach the output a moment after the OK.
            await server.WaitForOutputAsync("notes storage works again", ServerProcess.StartWait);
            var log = server.Stdout;
            Assert.Single(log.Split('\n'), line => line.Contains("notes storage failing"));
            Assert.Single(log.Split('\n'), line => line.Contains("notes storage works again"));
            Assert.DoesNotContain("   at ", log); // no stack traces
            Assert.DoesNotContain("ERROR", log);
        }
    }

    private static Task<(ProcessRunner Server, System.Net.IPEndPoint EndPoint)> StartNotesServerAsync(string database) =>
        ServerProcess.StartAsync("--port", "0", "--set", "service=notes", "--set", $"notes.sqlite-path={database}", "--set", "timeout=off");

    private static void Chattr(string flag, string path)
    {
        if (!File.Exists(path))
            return;
        using var chattr = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
        var error = chattr.StandardError.ReadToEnd();
        Assert.True(chattr.WaitForExit(10_000) && chattr.ExitCode == 0, $"chattr {flag} {path} failed: {error}");
    }

    [Fact]
    public async Task A_database_deleted_under_a_running_server_never_acknowledges_a_note_it_cannot_keep()
    {
        var database = _folder.File("notes.db");
        var (server, endPoint) = await StartNotesServerAsync(database);
        await using (server)
        {
            await using var client = await TcpTestClient.ConnectAsync(endPoint);
            Assert.Equal("OK 1\n", await client.AskAsync("POST before"));
            File.Delete(database); // an operator's mistake: the notes on it are gone, new ones must not be acknowledged
            for (var i = 0; i < 3; i++)
            {
                var refused = await client.AskAsync($"POST after {i}");
                Assert.StartsWith("ERR storage: ", refused);
                Assert.DoesNotContain(Path.GetFileName(database), refused);
            }
            Assert.Equal("NOTES 1 1\n", await client.AskAsync("GET"));
            Assert.Equal("1 before\n", await client.ReadLineAsync());

            // Past several restarts of the store: it never starts a fresh board in the file's place.
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.StartsWith("ERR storage: ", await client.AskAsync("POST much later"));
            Assert.Equal("NOTES 1 1\n", await client.AskAsync("GET"));
            Assert.Equal("1 before\n", await client.ReadLineAsync());
            Assert.Single(server.Stdout.Split('\n'), line => line.Contains("notes storage failing"));
        }
    }
}
