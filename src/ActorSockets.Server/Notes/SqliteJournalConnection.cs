using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace ActorSockets.Server.Notes;

/// <summary>A row of the journal table, laid out as Akka.Persistence.Sql lays it out.</summary>
internal sealed record JournalRow(
    string PersistenceId, long SequenceNr, long CreatedTicks, byte[] Message, string Manifest, int SerializerId, string? WriterUuid);

/// <summary>
/// The notes journal's one connection to its SQLite file, and the one thread that uses it: every
/// write and read of <see cref="SqliteJournal"/> is a piece of work queued here and run in turn.
/// Appends queued one after another are one transaction: the thread takes every append waiting
/// when it is free, commits them together (one fsync of the write-ahead log) and then answers
/// each, in the order they came. This is the group commit: whatever arrives while a commit runs,
/// and while its answers go out, is in the next.
/// </summary>
/// <remarks>
/// Why a thread of its own: SQLite's calls are synchronous (Microsoft.Data.Sqlite's async methods
/// complete on the caller's thread), and a commit waits for an fsync; run on the journal actor or the
/// thread pool they would hold a thread the sockets need. One connection, opened once, keeps the
/// INSERT prepared for the server's life (<see cref="JournalInsert"/>), where a connection and a
/// statement per write cost more than the write itself. A failed piece of work closes the connection:
/// the next opens it again, as a journal that opens one per write would, so a file made writable
/// again is written again.
/// </remarks>
internal sealed class SqliteJournalConnection : IDisposable
{
    private readonly string _connectionString;
    /// <summary>What the thread runs in turn: a <see cref="PendingAppend"/> or any other piece of work (an <see cref="Action"/>).</summary>
    private readonly BlockingCollection<object> _work = new();
    private SqliteConnection? _connection;
    private JournalInsert? _insert;
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
        var queued = TryQueue(() =>
        {
            T result = default!;
            if (OnConnection(connection => result = work(connection)) is { } failure)
                done.SetException(failure);
            else
                done.SetResult(result);
        });
        if (!queued)
            done.SetException(Closed());
        return done.Task;
    }

    /// <summary>How many commits of appends have returned, and the rows they held: what the group commit achieved.</summary>
    public (long Commits, long Rows) Committed => (Interlocked.Read(ref _commits), Interlocked.Read(ref _rowsCommitted));

    private long _commits;
    private long _rowsCommitted;

    /// <summary>
    /// Queues <paramref name="rows"/> for the next commit; <paramref name="answer"/> runs on the
    /// journal's thread once the commit that holds them returned (with null) or failed (with why).
    /// A commit fails if the database's path no longer names the file written (<see cref="HeldFile"/>):
    /// those rows would never be read again, so they must not be acknowledged. No rows is allowed: the
    /// answer then comes after the appends queued before it, as Akka.Persistence wants for its
    /// messages that are not written.
    /// </summary>
    public void Append(IReadOnlyList<JournalRow> rows, Action<Exception?> answer)
    {
        if (!TryQueue(new PendingAppend(rows, answer)))
            answer(Closed());
    }

    /// <summary>Queues a piece of work for the thread: a <see cref="PendingAppend"/> or an <see cref="Action"/>; false once the journal is closed.</summary>
    private bool TryQueue(object work)
    {
        try
        {
            _work.Add(work);
            return true;
        }
        catch (InvalidOperationException) // adding completed: Dispose was called
        {
            return false;
        }
    }

    private static ObjectDisposedException Closed() => new(nameof(SqliteJournalConnection), "the notes journal is closed");

    /// <summary>
    /// Runs <paramref name="work"/> on the connection, opened if it is not; what it threw, or null. A
    /// failure closes the connection: not trusted again, the next piece of work opens the file anew.
    /// </summary>
    private Exception? OnConnection(Action<SqliteConnection> work)
    {
        try
        {
            work(_connection ??= Open());
            return null;
        }
        catch (Exception e)
        {
            Close();
            return e;
        }
    }

    private sealed record PendingAppend(IReadOnlyList<JournalRow> Rows, Action<Exception?> Answer);

    /// <summary>Commits <paramref name="appends"/> in one transaction, then answers each of them in turn.</summary>
    private void Commit(List<PendingAppend> appends)
    {
        var failure = WriteAll(appends);
        // As one drain: each answer's messages (the board's confirmations, the sessions' OKs and
        // their sockets' sends) run after all the answers are out, not one note at a time.
        SameThreadExecutor.RunAsDrain(() =>
        {
            foreach (var append in appends)
                append.Answer(failure);
        });
    }

    private Exception? WriteAll(List<PendingAppend> appends)
    {
        var rows = appends.Sum(append => append.Rows.Count);
        return rows == 0 ? null : OnConnection(connection =>
        {
            using var transaction = connection.BeginTransaction();
            var insert = _insert ??= new JournalInsert(connection);
            foreach (var row in appends.SelectMany(append => append.Rows))
                insert.Execute(row);
            transaction.Commit();
            if (!_file!.StillNamed())
                throw new IOException(HeldFile.LostReason);
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _rowsCommitted, rows);
        });
    }

    /// <summary>No more work: what is queued runs, then the connection closes and the thread ends.</summary>
    public void Dispose() => _work.CompleteAdding();

    private void RunQueued()
    {
        // What a piece of work's answer sends (Akka's journal replies, then the board's confirmations,
        // the sessions' OKs and their sockets' sends) runs here, after it, as the sockets' threads
        // run their requests: no other thread is woken for a commit's answers.
        var appends = new List<PendingAppend>();
        foreach (var item in _work.GetConsumingEnumerable())
        {
            var next = item;
            while (next is PendingAppend first)
            {
                // Every append waiting goes into this commit, up to the first other piece of work.
                appends.Add(first);
                next = null;
                while (next is null && _work.TryTake(out var waiting))
                {
                    if (waiting is PendingAppend append)
                        appends.Add(append);
                    else
                        next = waiting;
                }
                Commit(appends);
                appends.Clear();
            }
            if (next is Action work)
                SameThreadExecutor.RunAsDrain(work);
        }
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
