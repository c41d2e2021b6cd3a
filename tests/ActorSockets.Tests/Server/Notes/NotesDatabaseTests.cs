using Akka.Configuration;
using ActorSockets.Server.Notes;
using ActorSockets.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>
/// The SQLite file keeps the notes store's promise (an OK only for a note on disk) with the fewest
/// fsyncs: a write-ahead log, synced at every commit.
/// </summary>
public sealed class NotesDatabaseTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_new_database_keeps_a_write_ahead_log_that_every_commit_syncs()
    {
        using var database = NotesDatabase.Open(_folder.File("notes.db"));

        // Read through the connection string the journal is given, as its connections would.
        Assert.Equal("wal", Pragma(database.ConnectionString, "journal_mode"));
        Assert.Equal(FullSync, Pragma(database.ConnectionString, "synchronous"));
    }

    [Fact]
    public void A_database_of_an_earlier_version_in_rollback_mode_is_moved_to_the_write_ahead_log_with_its_rows()
    {
        var path = _folder.File("notes.db");
        using (var earlier = NotesDatabase.Open(path)) { }
        var connectionString = $"Data Source={path};Pooling=False";
        Assert.Equal("delete", Pragma(connectionString, "journal_mode = DELETE"));
        Scalar(connectionString, "CREATE TABLE kept (text TEXT); INSERT INTO kept VALUES ('a note')");

        using var database = NotesDatabase.Open(path);

        Assert.Equal("wal", Pragma(database.ConnectionString, "journal_mode"));
        Assert.Equal("a note", Scalar(connectionString, "SELECT text FROM kept"));
    }

    [Fact]
    public void Cluster_mode_opens_the_shared_file_in_the_same_mode()
    {
        using var database = NotesDatabase.OpenShared(_folder.File("notes.db"));

        Assert.Equal("wal", Pragma(database.ConnectionString, "journal_mode"));
    }

    [Fact]
    public void A_database_file_deleted_or_replaced_is_lost_unless_the_journal_is_elsewhere()
    {
        var path = _folder.File("notes.db");
        using var database = NotesDatabase.Open(path);
        Assert.Null(database.FileLost());

        File.Move(path, path + ".moved");
        File.WriteAllText(path, "");
        Assert.NotNull(database.FileLost()); // another file under the same name
        File.Delete(path);
        Assert.NotNull(database.FileLost());
        File.Move(path + ".moved", path);
        Assert.Null(database.FileLost()); // back where it was

        File.Delete(path);
        database.HoldsJournal = false; // the journal is in PostgreSQL: this file holds no note
        Assert.Null(database.FileLost());
    }

    [Fact]
    public void The_journal_is_ours_in_the_file_unless_the_config_file_puts_it_elsewhere()
    {
        using var database = NotesDatabase.Open(_folder.File("notes.db"));
        var settings = ActorSockets.Protocol.Settings.SettingsReader.Read(new Dictionary<string, string>());

        var byDefault = NotesPersistence.For(settings, database, Config.Empty);
        Assert.Equal(SqliteJournal.PluginId, byDefault.GetString("akka.persistence.journal.plugin"));
        Assert.True(database.IsJournalIn(byDefault));

        // The way hocon/notes-tcp.conf shows: Akka.Persistence.Sql's journal on PostgreSQL.
        var postgres = ConfigurationFactory.ParseString(
            "akka.persistence.journal.sql { connection-string = \"Host=db;Database=notes\", provider-name = \"PostgreSQL.15\" }");
        var elsewhere = postgres.WithFallback(NotesPersistence.For(settings, database, postgres));
        Assert.Equal("akka.persistence.journal.sql", elsewhere.GetString("akka.persistence.journal.plugin"));
        Assert.False(database.IsJournalIn(elsewhere));

        // Akka.Persistence.Sql's journal chosen by name, on this file: refused (it would not see the file deleted).
        var chosen = ConfigurationFactory.ParseString("akka.persistence.journal.plugin = \"akka.persistence.journal.sql\"");
        var refused = Assert.Throws<ActorSockets.Protocol.Settings.SettingsException>(() => NotesPersistence.For(settings, database, chosen));
        Assert.StartsWith("config error: akka.persistence.journal.plugin = \"akka.persistence.journal.sql\" on the notes SQLite file ", refused.Message);
    }

    /// <summary>SQLite's <c>synchronous = FULL</c>: the log is synced at every commit (NORMAL, 1, syncs it only at checkpoints).</summary>
    private const string FullSync = "2";

    private static string? Pragma(string connectionString, string pragma) => Scalar(connectionString, $"PRAGMA {pragma}");

    /// <summary>Runs every statement of <paramref name="sql"/>; the first value the first returns, if any.</summary>
    private static string? Scalar(string connectionString, string sql)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }
}
