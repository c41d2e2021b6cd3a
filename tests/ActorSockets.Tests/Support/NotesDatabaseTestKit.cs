using ActorSockets.Server.Notes;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ActorSockets.Tests.Support;

/// <summary>
/// A TestKit whose actor system keeps the notes board where the server keeps it: in a SQLite
/// database of its own (in a temporary folder, gone with the test), through the server's journal
/// and snapshot store; the test reads the tables with SQL of its own.
/// </summary>
public abstract class NotesDatabaseTestKit : TestKit
{
    private readonly TempFolder _folder;

    private protected NotesDatabaseTestKit(TempFolder folder, NotesDatabase database, ITestOutputHelper output)
        : base(NotesPersistence.For(TestSettings.Create("service=notes"), database, Config.Empty), output: output)
    {
        _folder = folder;
        Database = database;
    }

    protected NotesDatabase Database { get; }

    /// <summary>The first row <paramref name="sql"/> returns, as <paramref name="read"/> takes it (one there must be).</summary>
    protected T ReadRow<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var connection = new SqliteConnection($"Data Source={Database.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), sql);
        return read(reader);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
            return;
        Database.Dispose();
        _folder.Dispose();
    }
}
