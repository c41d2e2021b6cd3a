using ActorSockets.Protocol.Settings;
using Microsoft.Data.Sqlite;

namespace ActorSockets.Server.Notes;

/// <summary>
/// A copy of a notes database taken while its server runs (<c>actorsockets-server backup</c>,
/// docs/OPERATIONS.md), with SQLite's online backup: one read transaction copies every page, so the
/// copy is the database as of one moment, every note acknowledged before that moment in it (the
/// store answers <c>OK</c> only after the commit), and the server writes on meanwhile (a reader never
/// blocks the write-ahead log's writer). The copy is a notes database like any: a server started on
/// it serves the board as of that moment.
/// </summary>
public static class NotesBackup
{
    /// <summary>Copies <paramref name="database"/> to <paramref name="destination"/>, which must not exist; the journal rows copied.</summary>
    /// <exception cref="SettingsException">The database is not there or not a notes database, or the destination exists or cannot be written.</exception>
    public static long Copy(string database, string destination)
    {
        if (!File.Exists(database))
            throw new SettingsException($"backup error: {database} does not exist");
        if (File.Exists(destination))
            throw new SettingsException($"backup error: {destination} exists already; a backup never overwrites a file");
        try
        {
            using var source = Open(database, SqliteOpenMode.ReadOnly);
            using (var copy = Open(destination, SqliteOpenMode.ReadWriteCreate))
                source.BackupDatabase(copy);
            using var check = Open(destination, SqliteOpenMode.ReadOnly);
            using var count = check.CreateCommand();
            count.CommandText = "SELECT count(*) FROM journal";
            return (long)count.ExecuteScalar()!;
        }
        catch (SqliteException e)
        {
            File.Delete(destination);
            throw new SettingsException($"backup error: {database} could not be copied to {destination}: {e.Message}");
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
