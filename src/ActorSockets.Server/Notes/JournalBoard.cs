using ActorSockets.Protocol.Settings;
using Akka.Configuration;
using Npgsql;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The board a node's journal holds, read when a cluster node starts (PROTOCOL.md section 7: one
/// board per cluster): its identity, made when the journal's database was first prepared and kept
/// in it (table <c>actor_sockets_board</c>), and where that database is, for the log. Our SQLite
/// file keeps it since it was first opened (<see cref="NotesDatabase.BoardIdentity"/>); a
/// PostgreSQL journal gets it here, in the same table, on its first node's start.
/// </summary>
public sealed record JournalBoard(string Identity, string Where)
{
    private const string JournalKey = "akka.persistence.journal.sql";

    /// <summary>
    /// The board of the journal <paramref name="akka"/> configures; null for a journal with no
    /// identity to compare (in memory, or a database other than SQLite and PostgreSQL). Throws
    /// <see cref="SettingsException"/> when a PostgreSQL journal cannot be read.
    /// </summary>
    public static JournalBoard? Of(Config akka, NotesDatabase? database)
    {
        var connection = akka.GetString($"{JournalKey}.connection-string", "");
        if (database is not null && database.IsJournalIn(akka))
            return new JournalBoard(database.BoardIdentity, database.Path);
        return akka.GetString($"{JournalKey}.provider-name", "").StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase)
            ? OfPostgres(connection)
            : null;
    }

    private static JournalBoard OfPostgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 10, CommandTimeout = 10 };
        }
        catch (ArgumentException e)
        {
            throw new SettingsException($"config error: {JournalKey}.connection-string is not a PostgreSQL connection string: {e.Message}");
        }
        var where = $"{builder.Host}:{builder.Port}/{builder.Database}";
        // Two nodes starting on a new database at once: the one row (id 1) decides, and a second
        // CREATE TABLE racing the first may fail once; the second attempt then finds the table.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = """
                    CREATE TABLE IF NOT EXISTS actor_sockets_board (id integer PRIMARY KEY CHECK (id = 1), identity text NOT NULL);
                    INSERT INTO actor_sockets_board (id, identity) VALUES (1, @identity) ON CONFLICT (id) DO NOTHING;
                    SELECT identity FROM actor_sockets_board WHERE id = 1;
                    """;
                command.Parameters.AddWithValue("identity", Guid.NewGuid().ToString("N"));
                return new JournalBoard((string)command.ExecuteScalar()!, where);
            }
            catch (PostgresException e) when (attempt == 1 && e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
            {
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // No node may join without knowing which board its journal holds.
                throw new SettingsException($"error: the notes journal's database {where} cannot be read, so this node cannot tell which board it holds: {e.GetBaseException().Message}");
            }
        }
    }
}
