using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Microsoft.Data.Sqlite;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The notes board's journal on its SQLite file: an Akka.Persistence journal plugin that writes
/// the rows Akka.Persistence.Sql writes, in the same table, through one connection on one thread
/// (<see cref="SqliteJournalConnection"/>) with a prepared INSERT. Each batch the board hands over
/// (every note that arrived while the last commit ran) is one transaction and one fsync.
/// </summary>
/// <remarks>
/// Why not Akka.Persistence.Sql's journal, which the snapshot store and PostgreSQL still use: on
/// SQLite it spent more CPU on each note than the rest of the server (linq2db building the query,
/// a stream per write, a pooled connection opened per batch; BENCHMARKS.md, "Durable notes"),
/// and the board's writes are one table's appends. The rows are its rows, so a database goes back
/// and forth between the two journals by configuration alone.
/// </remarks>
public sealed class SqliteJournal : AsyncWriteJournal
{
    /// <summary>Where the plugin's HOCON lives (<see cref="NotesPersistence"/>).</summary>
    public const string PluginId = "akka.persistence.journal.notes-sqlite";

    private readonly SqliteJournalConnection _connection;
    private readonly Akka.Serialization.Serialization _serialization = Context.System.Serialization;

    public SqliteJournal(Config config) =>
        _connection = new SqliteJournalConnection(config.GetString("connection-string"));

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var rows = new List<JournalRow>();
        var rejections = new List<Exception?>();
        foreach (var write in messages)
        {
            // A write that cannot be serialized is refused alone (Akka.Persistence's contract); the rest is written.
            try
            {
                var serialized = ((IImmutableList<IPersistentRepresentation>)write.Payload).Select(Row).ToList();
                rows.AddRange(serialized);
                rejections.Add(null);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                rejections.Add(e);
            }
        }
        // null: every write succeeded (Akka.Persistence's contract), else one entry per write.
        IImmutableList<Exception?>? result = rejections.Any(rejection => rejection is not null) ? rejections.ToImmutableList() : null;
        return rows.Count == 0 ? Task.FromResult(result!) : AppendThen(rows, result!);
    }

    /// <summary>Appends, then answers on the journal's thread: Akka only hands the results to its resequencer.</summary>
    private async Task<IImmutableList<Exception?>> AppendThen(List<JournalRow> rows, IImmutableList<Exception?> result)
    {
        await _connection.Append(rows).ConfigureAwait(false);
        return result;
    }

    public override Task ReplayMessagesAsync(
        IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback) =>
        _connection.Run(connection =>
        {
            using var select = Command(connection, """
                SELECT sequence_number, created, message, manifest, identifier, writer_uuid FROM journal
                WHERE persistence_id = $id AND sequence_number >= $nr AND sequence_number <= $to AND deleted = 0
                ORDER BY sequence_number LIMIT $max
                """, persistenceId, fromSequenceNr);
            select.Parameters.AddWithValue("$to", toSequenceNr);
            select.Parameters.AddWithValue("$max", max);
            using var reader = select.ExecuteReader();
            while (reader.Read())
                recoveryCallback(Replayed(persistenceId, reader));
            return true;
        });

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) =>
        _connection.Run(connection =>
        {
            // Deleted rows count: the highest is kept, marked, so that numbers are never handed out twice.
            using var select = Command(connection,
                "SELECT MAX(sequence_number) FROM journal WHERE persistence_id = $id AND sequence_number >= $nr", persistenceId, fromSequenceNr);
            return select.ExecuteScalar() as long? ?? 0;
        });

    /// <summary>
    /// Leaves what Akka.Persistence.Sql's delete leaves (the highest row deleted, marked, so that its
    /// number is never handed out again; none below it), removing the rows in chunks of
    /// <see cref="DeleteChunk"/>, each its own piece of work: the board deletes the notes a snapshot
    /// holds, up to 100,000 at once, and its writes go on between the chunks.
    /// </summary>
    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        var kept = await _connection.Run(connection =>
        {
            using var mark = Command(connection, """
                UPDATE journal SET deleted = 1 WHERE persistence_id = $id AND sequence_number =
                    (SELECT MAX(sequence_number) FROM journal WHERE persistence_id = $id AND sequence_number <= $nr)
                RETURNING sequence_number
                """, persistenceId, toSequenceNr);
            return mark.ExecuteScalar() as long? ?? 0;
        }).ConfigureAwait(false);
        while (await _connection.Run(connection =>
               {
                   using var delete = Command(connection, $"""
                       DELETE FROM journal WHERE ordering IN (SELECT ordering FROM journal
                           WHERE persistence_id = $id AND sequence_number < $nr ORDER BY sequence_number LIMIT {DeleteChunk})
                       """, persistenceId, kept);
                   return delete.ExecuteNonQuery();
               }).ConfigureAwait(false) > 0)
        {
        }
        // The pages freed go back to the file system, in pieces too (a file made before the server
        // set auto_vacuum keeps them for its next rows: SQLite switches only by a full VACUUM), for
        // as long as each piece frees some: never a loop that holds the journal's thread.
        for (long before = long.MaxValue, left; (left = await _connection.Run(VacuumPiece).ConfigureAwait(false)) > 0 && left < before; before = left)
        {
        }
    }

    /// <summary>Gives some free pages back; how many are left (0 in a file without incremental auto_vacuum).</summary>
    private static long VacuumPiece(SqliteConnection connection)
    {
        using var vacuum = connection.CreateCommand();
        vacuum.CommandText = $"PRAGMA incremental_vacuum({DeleteChunk / 5})";
        vacuum.ExecuteNonQuery();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT freelist_count FROM pragma_freelist_count, pragma_auto_vacuum WHERE auto_vacuum = 2";
        return count.ExecuteScalar() as long? ?? 0;
    }

    /// <summary>How many rows one piece of a delete removes (and a fifth as many pages freed): some milliseconds of the journal's thread.</summary>
    private const int DeleteChunk = 1_000;

    private static SqliteCommand Command(SqliteConnection connection, string sql, string persistenceId, long sequenceNr)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", persistenceId);
        command.Parameters.AddWithValue("$nr", sequenceNr);
        return command;
    }

    protected override void PostStop()
    {
        _connection.Dispose();
        base.PostStop();
    }

    private JournalRow Row(IPersistentRepresentation persistent)
    {
        if (persistent.Payload is Tagged)
            throw new NotSupportedException("the notes journal keeps no tags");
        var serializer = _serialization.FindSerializerFor(persistent.Payload);
        var created = persistent.Timestamp == 0 ? DateTime.UtcNow.Ticks : persistent.Timestamp;
        return new JournalRow(
            persistent.PersistenceId, persistent.SequenceNr, created, serializer.ToBinary(persistent.Payload),
            Akka.Serialization.Serialization.ManifestFor(serializer, persistent.Payload), serializer.Identifier, persistent.WriterGuid);
    }

    private Persistent Replayed(string persistenceId, SqliteDataReader row)
    {
        if (row.IsDBNull(4))
            throw new NotSupportedException($"journal row {persistenceId} #{row.GetInt64(0)} names no serializer");
        var manifest = row.IsDBNull(3) ? "" : row.GetString(3);
        var payload = _serialization.Deserialize((byte[])row.GetValue(2), row.GetInt32(4), manifest);
        return new Persistent(payload, row.GetInt64(0), persistenceId, manifest,
            isDeleted: false, sender: ActorRefs.NoSender, writerGuid: row.IsDBNull(5) ? null : row.GetString(5), timestamp: row.GetInt64(1));
    }
}
