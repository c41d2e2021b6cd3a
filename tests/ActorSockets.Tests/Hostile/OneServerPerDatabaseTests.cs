using ActorSockets.Protocol;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// The notes store owns its database: a second server on the same SQLite file is refused at start,
/// and so is a file that is not a database, before anything binds (exit 3, one line naming the file).
/// </summary>
public class OneServerPerDatabaseTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_second_server_on_a_database_in_use_is_refused_and_the_first_keeps_its_notes()
    {
        var database = _folder.File("notes.db");
        var (first, endPoint) = await ServerProcess.StartAsync("--port", "0", "--set", "service=notes", "--set", $"notes.sqlite-path={database}");
        await using (first)
        {
            await using var second = ProcessRunner.Start(RepoPaths.ServerDll,
                ["--port", "0", "--set", "service=notes", "--set", $"notes.sqlite-path={database}"]);
            Assert.Equal(ExitCodes.BadConfig, await second.WaitForExitAsync(Bound));
            Assert.Contains($"the notes database {database} is in use by another server", second.Stderr);
            Assert.DoesNotContain("listening on", second.Stdout);

            await using var client = await TcpTestClient.ConnectAsync(endPoint);
            Assert.Equal("OK 1\n", await client.AskAsync("POST still mine"));
            first.Terminate();
            Assert.Equal(ExitCodes.Ok, await first.WaitForExitAsync(Bound));
        }

        // Once the first has stopped, the database is free for the next server.
        var (next, nextEndPoint) = await ServerProcess.StartAsync("--port", "0", "--set", "service=notes", "--set", $"notes.sqlite-path={database}");
        await using (next)
        {
            await using var client = await TcpTestClient.ConnectAsync(nextEndPoint);
            Assert.Equal("NOTES 1 1\n", await client.AskAsync("GET"));
            Assert.Equal("1 still mine\n", await client.ReadLineAsync());
        }
    }

    [Fact]
    public async Task A_server_killed_outright_leaves_no_lock_behind()
    {
        var database = _folder.File("notes.db");
        var (first, _) = await ServerProcess.StartAsync("--port", "0", "--set", "service=notes", "--set", $"notes.sqlite-path={database}");
        await using (first)
        {
            first.KillHard();
            await first.WaitForExitAsync(Bound);
        }
        var (next, _) = await ServerProcess.StartAsync("--port", "0", "--set", "service=notes", "--set", $"notes.sqlite-path={database}");
        await next.DisposeAsync();
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("text")]
    [InlineData("file-in-the-way")]
    public async Task A_database_that_cannot_be_used_stops_the_server_before_it_binds(string kind)
    {
        var database = _folder.File("notes.db");
        switch (kind)
        {
            case "garbage":
                await File.WriteAllBytesAsync(database, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251))]);
                break;
            case "text":
                await File.WriteAllTextAsync(database, "these are not the notes you are looking for\n");
                break;
            case "file-in-the-way":
                // A plain file where the database's folder should be.
                await File.WriteAllTextAsync(_folder.File("board"), "");
                database = _folder.File("board/notes.db");
                break;
        }
        await using var server = ProcessRunner.Start(RepoPaths.ServerDll,
            ["--port", "0", "--set", "service=notes", "--set", $"notes.sqlite-path={database}"]);
        Assert.Equal(ExitCodes.BadConfig, await server.WaitForExitAsync(Bound));
        var lines = server.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith($"config error: actor-sockets.notes.sqlite-path = \"{database}\" is not allowed: ", line);
        Assert.DoesNotContain("listening on", server.Stdout);
        Assert.DoesNotContain("   at ", server.Stdout + server.Stderr); // no stack trace
    }
}
