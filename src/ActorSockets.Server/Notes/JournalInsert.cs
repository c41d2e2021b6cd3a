using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The journal's INSERT, prepared once on its connection and bound through SQLite's own calls.
/// </summary>
/// <remarks>
/// Why not a prepared <see cref="SqliteCommand"/>: Microsoft.Data.Sqlite makes a binder object for
/// every parameter of every execution, boxes the numbers and makes a data reader each time: a tenth
/// of all a stored note allocated (BENCHMARKS.md). The statement is the same SQL; the
/// transaction around it is still the connection's.
/// </remarks>
internal sealed class JournalInsert : IDisposable
{
    private const string Sql = """
        INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
        VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6, ?7)
        """;

    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    public JournalInsert(SqliteConnection connection)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("the journal's connection is not open");
        Check(raw.sqlite3_prepare_v2(_database, Sql, out _statement));
    }

    /// <summary>Inserts <paramref name="row"/> in the connection's current transaction; throws what SQLite refused.</summary>
    public void Execute(JournalRow row)
    {
        try
        {
            Check(raw.sqlite3_bind_int64(_statement, 1, row.CreatedTicks));
            Check(raw.sqlite3_bind_text(_statement, 2, row.PersistenceId));
            Check(raw.sqlite3_bind_int64(_statement, 3, row.SequenceNr));
            Check(raw.sqlite3_bind_blob(_statement, 4, row.Message));
            Check(raw.sqlite3_bind_text(_statement, 5, row.Manifest));
            Check(raw.sqlite3_bind_int(_statement, 6, row.SerializerId));
            Check(row.WriterUuid is null ? raw.sqlite3_bind_null(_statement, 7) : raw.sqlite3_bind_text(_statement, 7, row.WriterUuid));
            var done = raw.sqlite3_step(_statement);
            if (done != raw.SQLITE_DONE)
                Check(done);
        }
        finally
        {
            raw.sqlite3_reset(_statement); // its result is the step's again, already checked
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(result, _database);
    }
}
