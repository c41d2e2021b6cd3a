using ActorSockets.Protocol.Settings;
using Microsoft.Data.Sqlite;

namespace ActorSockets.Server.Notes;

/// <summary>What is checked of a file before it holds a board: SQLite can open it, it is ours, it keeps what is written, and it keeps a write-ahead log.</summary>
public sealed partial class NotesDatabase
{
    /// <summary>
    /// Reads the schema and proves a write: a file of another kind, one SQLite cannot open, or one that
    /// swallows writes (<c>/dev/null</c> reads as an empty database) fails here and not on the first
    /// request. The proof marks the file as ours in SQLite's header (<c>application_id</c>) and reads
    /// the mark back through a new connection; a file marked by another program is refused.
    /// </summary>
    private static string Check(string configuredPath, string path)
    {
        try
        {
            var existing = ReadApplicationId(path);
            if (existing != ApplicationId && existing != 0)
                throw SettingsException.Invalid(Key, configuredPath, $"it is another program's SQLite database (application_id {existing})");
            if (existing == 0)
            {
                using var connection = Connect(path);
                using var mark = connection.CreateCommand();
                // A new file gives its free pages back (the journal's incremental vacuum after it deletes
                // the notes a snapshot holds); SQLite takes this only before the first table.
                mark.CommandText = $"PRAGMA auto_vacuum = INCREMENTAL; PRAGMA application_id = {ApplicationId}";
                mark.ExecuteNonQuery();
            }
            if (ReadApplicationId(path) != ApplicationId)
                throw SettingsException.Invalid(Key, configuredPath, "what is written to it cannot be read back (is it a regular file?)");
            var identity = EnsureBoardIdentity(path);
            UseWriteAheadLog(configuredPath, path);
            return identity;
        }
        catch (SqliteException e)
        {
            throw SettingsException.Invalid(Key, configuredPath, $"it cannot be used as a notes database: {e.Message}");
        }
    }

    /// <summary>The board's identity: made once, in one transaction, so two nodes preparing one new file agree on it.</summary>
    private static string EnsureBoardIdentity(string path)
    {
        using var connection = Connect(path);
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS actor_sockets_board (identity TEXT NOT NULL);
            INSERT INTO actor_sockets_board (identity) SELECT $identity WHERE NOT EXISTS (SELECT 1 FROM actor_sockets_board);
            SELECT identity FROM actor_sockets_board LIMIT 1;
            """;
        command.Parameters.AddWithValue("$identity", Guid.NewGuid().ToString("N"));
        var identity = (string)command.ExecuteScalar()!;
        transaction.Commit();
        return identity;
    }

    /// <summary>
    /// Puts the database in write-ahead-log mode (kept in the file: every later connection, the
    /// journal's too, uses it). With <c>synchronous = FULL</c>, SQLite's default, a commit is one
    /// append to the log and one fsync of it, where the rollback journal cost four; a commit that
    /// returned survives a crash and a power loss. WAL needs a local disk (its index is shared
    /// memory): a file system that refuses it is refused here, not run slower or unsafely.
    /// </summary>
    private static void UseWriteAheadLog(string configuredPath, string path)
    {
        using var connection = Connect(path);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        var mode = (string?)command.ExecuteScalar();
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw SettingsException.Invalid(Key, configuredPath,
                $"SQLite cannot keep a write-ahead log beside it (journal mode stays {mode}); put it on a local disk");
    }

    /// <summary>"ASNB" (ActorSockets notes board) in SQLite's header, as <c>PRAGMA application_id</c> intends.</summary>
    private const int ApplicationId = 0x41534E42;

    private static long ReadApplicationId(string path)
    {
        using var connection = Connect(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master; PRAGMA application_id";
        using var reader = command.ExecuteReader();
        reader.NextResult();
        return reader.Read() ? reader.GetInt64(0) : 0;
    }

    private static SqliteConnection Connect(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }
}
