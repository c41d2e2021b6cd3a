using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Notes;
using ActorSockets.Tests.Support;
using Akka.Configuration;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>
/// Which board a cluster node's journal holds, read at start: the SQLite file's own identity, none
/// for a journal in memory, and for PostgreSQL one line and exit 3 when the database cannot be read
/// (a node must not join without knowing its board). PostgreSQL itself is exercised by
/// scripts/cluster/netns.sh --postgres; CI has no PostgreSQL.
/// </summary>
public sealed class JournalBoardTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_journal_in_our_SQLite_file_holds_the_files_board()
    {
        using var database = NotesDatabase.OpenShared(_folder.File("notes.db"));
        var akka = NotesPersistence.For(SettingsReader.Read(new Dictionary<string, string>()), database, Config.Empty);
        Assert.Equal(new JournalBoard(database.BoardIdentity, database.Path), JournalBoard.Of(akka, database));
        Assert.Matches("^[0-9a-f]{32}$", database.BoardIdentity);
    }

    [Fact]
    public void A_journal_in_memory_has_no_board_to_compare() =>
        Assert.Null(JournalBoard.Of(ConfigurationFactory.ParseString("akka.persistence.journal.plugin = \"akka.persistence.journal.inmem\""), null));

    [Fact]
    public void A_PostgreSQL_journal_that_cannot_be_read_is_one_line_naming_where_it_is()
    {
        var port = LoopbackPorts.Free(1)[0]; // nothing listens there
        var akka = ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.sql { connection-string = "Host=127.0.0.1;Port={{port}};Database=notes;Username=notes;Password=secret", provider-name = "PostgreSQL.15" }
            """);
        var error = Assert.Throws<SettingsException>(() => JournalBoard.Of(akka, null));
        Assert.StartsWith($"error: the notes journal's database 127.0.0.1:{port}/notes cannot be read, so this node cannot tell which board it holds: ", error.Message);
        Assert.DoesNotContain("secret", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }
}
