using ActorSockets.Protocol;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Operations;

/// <summary>
/// Issue 22, point 5: a running notes server backed up without stopping it. Writers post all along;
/// the backup command copies the database; a new server started on the copy serves every note
/// acknowledged before the backup began, with its id.
/// </summary>
public sealed class BackupTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_backup_taken_while_writers_post_holds_every_note_acknowledged_before_it_began()
    {
        var database = _folder.File("notes.db");
        var copy = _folder.File("backup.db");
        Dictionary<string, (long Id, string Text)> before;
        await using (var server = await RunningServer.StartAsync("service=notes", "timeout=off", "clients-limit=10", $"notes.sqlite-path={database}"))
        {
            var writers = new NotesWriters(() => [server.EndPoint], writers: 4);
            await TestCluster.WaitUntilAsync(() => writers.Acknowledged.Count >= 200, Bound, "200 notes acknowledged");
            before = new Dictionary<string, (long Id, string Text)>(writers.Acknowledged);
            writers.Mark();

            await using (var backup = ProcessRunner.Start(RepoPaths.ServerDll, ["backup", database, copy]))
            {
                Assert.True(await backup.WaitForExitAsync(Bound) == ExitCodes.Ok, backup.Stderr);
                Assert.Matches(@"^backed up .+ \(\d+ journal rows\)", backup.Stdout);
            }
            // The server wrote on while the copy was taken.
            await TestCluster.WaitUntilAsync(() => writers.AcknowledgedSinceMark >= 50, Bound, "50 notes acknowledged since the backup began");
            await writers.StopAsync();
        }

        await using var restored = await RunningServer.StartAsync("service=notes", "timeout=off", $"notes.sqlite-path={copy}");
        await ServerProcess.WaitForNotesStoreAsync(async () =>
        {
            await using var client = await TcpTestClient.ConnectAsync(restored.EndPoint);
            return await client.AskAsync("GET 999999999");
        });
        var board = await NotesWriters.ReadBoardAsync(restored.EndPoint);
        Assert.All(before, note => Assert.True(board.GetValueOrDefault(note.Value.Id) == note.Value.Text,
            $"note {note.Value.Id} ({note.Value.Text}), acknowledged before the backup, is not in it as acknowledged"));
    }

    [Fact]
    public async Task A_backup_never_overwrites_a_file_and_names_a_missing_database()
    {
        var existing = _folder.File("existing.db");
        await File.WriteAllTextAsync(existing, "keep me");
        await using (var backup = ProcessRunner.Start(RepoPaths.ServerDll, ["backup", _folder.File("missing.db"), _folder.File("out.db")]))
        {
            Assert.Equal(ExitCodes.BadConfig, await backup.WaitForExitAsync(Bound));
            Assert.Contains("missing.db does not exist", backup.Stderr, StringComparison.Ordinal);
        }
        await using (var backup = ProcessRunner.Start(RepoPaths.ServerDll, ["backup", existing, existing]))
        {
            Assert.Equal(ExitCodes.BadConfig, await backup.WaitForExitAsync(Bound));
            Assert.Contains("exists already", backup.Stderr, StringComparison.Ordinal);
        }
        Assert.Equal("keep me", await File.ReadAllTextAsync(existing));
    }
}
