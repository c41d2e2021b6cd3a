using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace ActorSockets.Server.Notes;

/// <summary>A row of the journal table, laid out as Akka.Persistence.Sql lays it out.</summary>
internal sealed record JournalRow(
    string PersistenceId, long SequenceNr, long CreatedTicks, byte[] Message, string Manifest, int SerializerId, string? WriterUuid);

/// <summary>
/// The notes journal's one connection to its SQLite file, and the one thread that uses it: every
/// write and read of <see cref="SqliteJournal"/> is a piece of work queued here and run in turn.
/// </summary>
/// <remarks>
/// Why a thread of its own: SQLite's calls are synchronous (Microsoft.Data.Sqlite's async methods
/// complete on the caller's thread), and a commit waits for an fsync; run on the journal actor or the
/// thread pool they would hold a thread the sockets need. One connection, opened once, keeps the
/// INSERT prepared for the server's life, where a connection and a statement per write cost more
/// than the write itself. A failed piece of work closes the connection: the next opens it again, as
/// a journal that opens one per write would, so a file made writable again is written again.
/// </remarks>
internal sealed class SqliteJournalConnection : IDisposable
{
    private readonly string _connectionString;
    private readonly BlockingCollection<Action> _work = new();
    private SqliteConnection? _connection;
    private SqliteCommand? _insert;
    /// <summary>The database file, held while the connection is open: a commit to a file that is gone is no commit.</summary>
    private HeldFile? _file;

    public SqliteJournalConnection(string connectionString)
    {
        // Closing must close the file (no pool keeps it open), and a missing file is an error, not a
        // new empty board (NotesDatabase made and checked it at start).
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ConnectionString;
        new Thread(RunQueued) { IsBackground = true, Name = "notes-journal" }.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the journal's thread. The task completes there, and what awaits
    /// it continues there unless it says otherwise: Akka's journal only hands results to actors.
    /// </summary>
    public Task<T> Run<T>(Func<SqliteConnection, T> work)
    {
        var done = new TaskCompletionSource<T>();
        try
        {
            _work.Add(() =>
            {
                T result;
                try
                {
                    result = work(_connection ??= Open());
                }
                catch (Exception e)
                {
                    Close(); // not trusted again: the next piece of work opens the file anew
                    done.SetException(e);
                    return;
                }
                done.SetResult(result);
            });
        }
        catch (InvalidOperationException)
        {
            done.SetException(new ObjectDisposedException(nameof(SqliteJournalConnection), "the notes journal is closed"));
        }
        return done.Task;
    }

    /// <summary>
    /// Appends <paramref name="rows"/> in one transaction: one commit, one fsync of the write-ahead
    /// log. Fails if the database's path no longer names the file written (<see cref="HeldFile"/>):
    /// those rows would never be read again, so they must not be acknowledged.
    /// </summary>
    public Task Append(IReadOnlyList<JournalRow> rows) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var insert = Insert(connection);
        insert.Transaction = transaction;
        foreach (var row in rows)
        {
            insert.Parameters[0].Value = row.CreatedTicks;
            insert.Parameters[1].Value = row.PersistenceId;
            insert.Parameters[2].Value = row.SequenceNr;
            insert.Parameters[3].Value = row.Message;
            insert.Parameters[4].Value = row.Manifest;
            insert.Parameters[5].Value = row.SerializerId;
            insert.Parameters[6].Value = (object?)row.WriterUuid ?? DBNull.Value;
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
        if (!_file!.StillNamed())
            throw new IOException(HeldFile.LostReason);
        return rows.Count;
    });

    /// <summary>No more work: what is queued runs, then the connection closes and the thread ends.</summary>
    public void Dispose() => _work.CompleteAdding();

    private void RunQueued()
    {
        // What a piece of work's task continues with (Akka's journal, then the board's confirmations,
        // the sessions' OKs and their sockets' sends) runs here, after it, as the sockets' threads
        // run their requests: no other thread is woken for a commit's answers.
        foreach (var work in _work.GetConsumingEnumerable())
            SameThreadExecutor.RunAsDrain(work);
        Close();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            _file = new HeldFile(connection.DataSource);
            using var setup = connection.CreateCommand();
            // FULL is SQLite's default; said here because the promise of an OK rests on it. The
            // write-ahead log is cut back to 4 MiB after a checkpoint instead of keeping its largest
            // size (a snapshot of the board passes through it: 44 MB left behind at 40,000 notes of 1 KB).
            setup.CommandText = "PRAGMA synchronous = FULL; PRAGMA journal_size_limit = 4194304;" + Schema;
            setup.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Akka.Persistence.Sql's journal table on SQLite, column for column, so that either journal reads
    /// what the other wrote (a database of an earlier version, or one moved to Akka.Persistence.Sql's
    /// journal by configuration). Of its indexes only the one that refuses a sequence number twice:
    /// the others serve queries by time that nothing here asks.
    /// </summary>
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS journal (
            ordering INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            created INTEGER NOT NULL,
            deleted Bit NOT NULL,
            persistence_id NVarChar(255) NOT NULL,
            sequence_number INTEGER NOT NULL,
            message VarBinary NOT NULL,
            manifest NVarChar(500) NULL,
            identifier INTEGER NULL,
            writer_uuid NVarChar(128) NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS journal_uq ON journal (persistence_id, sequence_number);
        """;

    private SqliteCommand Insert(SqliteConnection connection)
    {
        if (_insert is not null)
            return _insert;
        var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
            VALUES ($created, 0, $persistence_id, $sequence_number, $message, $manifest, $identifier, $writer_uuid)
            """;
        foreach (var name in (string[])["$created", "$persistence_id", "$sequence_number", "$message", "$manifest", "$identifier", "$writer_uuid"])
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        insert.Prepare();
        return _insert = insert;
    }

    private void Close()
    {
        _insert?.Dispose();
        _insert = null;
        _connection?.Dispose();
        _connection = null;
        _file?.Dispose();
        _file = null;
    }
}
