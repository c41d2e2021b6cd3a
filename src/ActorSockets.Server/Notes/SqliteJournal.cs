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
/// (<see cref="SqliteJournalConnection"/>) with a prepared INSERT. Every note that arrives while a
/// commit runs goes into the next one: one transaction and one fsync for all of them.
/// </summary>
/// <remarks>
/// <para>Why not Akka.Persistence.Sql's journal, which the snapshot store and PostgreSQL still use: on
/// SQLite it spent more CPU on each note than the rest of the server (linq2db building the query,
/// a stream per write, a pooled connection opened per batch; BENCHMARKS.md, "Durable notes"),
/// and the board's writes are one table's appends. The rows are its rows, so a database goes back
/// and forth between the two journals by configuration alone.</para>
/// <para>Why not Akka's <see cref="AsyncWriteJournal"/> as the base: with it, a persistent actor has
/// one write in flight, and the notes that arrive meanwhile wait in the actor until that write's
/// answers have gone out; the commit that follows holds only those, about half the writers, and
/// the journal's thread waits for them while it sends the answers. This journal speaks
/// Akka.Persistence's journal protocol itself: it answers a <see cref="WriteMessages"/> with
/// <see cref="WriteMessagesSuccessful"/> as soon as its rows are queued, which is all that message
/// does in the actor (it lets the actor hand over its next notes), and each event's
/// <see cref="WriteMessageSuccess"/>, which runs the persist handler and so the <c>OK</c>, only once
/// the commit that holds it returned. A failed commit answers each of its events with
/// <see cref="WriteMessageFailure"/>, and the actor stops as Akka.Persistence stops it. Answers
/// go out in the order the writes came, as the one thread commits them in that order. Left out of
/// what the base class does: its circuit breaker (a failed commit closes the connection and the next
/// opens it again; the board's supervisor restarts the store with a backoff) and its replay filter
/// (one writer: the board's store is a cluster singleton behind <see cref="StoreFence"/>).</para>
/// </remarks>
public sealed class SqliteJournal : WriteJournalBase
{
    /// <summary>Where the plugin's HOCON lives (<see cref="NotesPersistence"/>).</summary>
    public const string PluginId = "akka.persistence.journal.notes-sqlite";

    private readonly SqliteJournalConnection _connection;
    private readonly Akka.Serialization.Serialization _serialization = Context.System.Serialization;

    public SqliteJournal(Config config) =>
        _connection = new SqliteJournalConnection(config.GetString("connection-string"));

    /// <summary>Asks the journal how many commits it made and the rows they held (answered with <see cref="Commits"/>).</summary>
    public sealed record CountCommits
    {
        public static readonly CountCommits Instance = new();
        private CountCommits() { }
    }

    /// <summary>How many commits of notes have returned since the journal started, and how many rows they held.</summary>
    public sealed record Commits(long Count, long Rows);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case WriteMessages write:
                Write(write);
                return true;
            case ReplayMessages replay:
                Replay(replay);
                return true;
            case DeleteMessagesTo delete:
                Delete(delete);
                return true;
            case CountCommits:
                var (count, rows) = _connection.Committed;
                Sender.Tell(new Commits(count, rows));
                return true;
            default:
                return false;
        }
    }

    private void Write(WriteMessages write)
    {
        write.PersistentActor.Tell(WriteMessagesSuccessful.Instance);
        var rows = new List<JournalRow>();
        var rejected = new Exception?[write.Messages.Count()];
        var i = 0;
        foreach (var envelope in write.Messages)
        {
            // A write that cannot be serialized is refused alone (Akka.Persistence's contract); the rest is written.
            if (envelope is AtomicWrite atomic)
            {
                var payload = (IImmutableList<IPersistentRepresentation>)atomic.Payload;
                try
                {
                    // All of an atomic write's rows or none of them.
                    var serialized = new JournalRow[payload.Count];
                    for (var p = 0; p < serialized.Length; p++)
                        serialized[p] = Row(AdaptToJournal(payload[p]));
                    rows.AddRange(serialized);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    rejected[i] = e;
                }
            }
            i++;
        }
        _connection.Append(rows, failure => Answer(write, rejected, failure));
    }

    /// <summary>Each event of <paramref name="write"/> hears how its commit went, in order, as Akka.Persistence's journals answer.</summary>
    private static void Answer(WriteMessages write, Exception?[] rejected, Exception? failure)
    {
        var i = 0;
        foreach (var envelope in write.Messages)
        {
            if (envelope is AtomicWrite atomic)
            {
                foreach (var persistent in (IImmutableList<IPersistentRepresentation>)atomic.Payload)
                {
                    object answer = rejected[i] is { } refusal ? new WriteMessageRejected(persistent, refusal, write.ActorInstanceId)
                        : failure is not null ? new WriteMessageFailure(persistent, failure, write.ActorInstanceId)
                        : new WriteMessageSuccess(persistent, write.ActorInstanceId);
                    write.PersistentActor.Tell(answer, persistent.Sender);
                }
            }
            else
            {
                write.PersistentActor.Tell(new LoopMessageSuccess(envelope.Payload, write.ActorInstanceId), envelope.Sender);
            }
            i++;
        }
    }

    /// <summary>
    /// Replays <paramref name="replay"/>'s events that are not deleted, then tells the highest
    /// sequence number the journal ever held for it (deleted ones count), as Akka.Persistence's
    /// journals do: the actor numbers its next events from there.
    /// </summary>
    private void Replay(ReplayMessages replay) =>
        Reply(ReplayAll(replay), replay.PersistentActor, highest => new RecoverySuccess(highest), cause => new ReplayMessagesFailure(cause));

    private async Task<long> ReplayAll(ReplayMessages replay)
    {
        var highest = await ReadHighestSequenceNrAsync(replay.PersistenceId, Math.Max(0, replay.FromSequenceNr - 1)).ConfigureAwait(false);
        var upTo = Math.Min(replay.ToSequenceNr, highest);
        if (upTo > 0 && replay.FromSequenceNr <= upTo)
        {
            await ReplayMessagesAsync(replay.PersistenceId, replay.FromSequenceNr, upTo, replay.Max, persistent =>
            {
                foreach (var adapted in AdaptFromJournal(persistent))
                    replay.PersistentActor.Tell(new ReplayedMessage(adapted), ActorRefs.NoSender);
            }).ConfigureAwait(false);
        }
        return highest;
    }

    private void Delete(DeleteMessagesTo delete) =>
        Reply(DeleteMessagesToAsync(delete.PersistenceId, delete.ToSequenceNr), delete.PersistentActor,
            _ => new DeleteMessagesSuccess(delete.ToSequenceNr), cause => new DeleteMessagesFailure(cause, delete.ToSequenceNr));

    /// <summary>Tells <paramref name="replyTo"/> how <paramref name="work"/> ended, from the journal's thread, where it ends.</summary>
    private static void Reply<T>(Task<T> work, IActorRef replyTo, Func<T, object> succeeded, Func<Exception, object> failed) =>
        work.ContinueWith(
            done => replyTo.Tell(done.IsCompletedSuccessfully ? succeeded(done.Result) : failed(done.Exception!.GetBaseException())),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private Task<bool> ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
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

    private Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr) =>
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
    private async Task<bool> DeleteMessagesToAsync(string persistenceId, long toSequenceNr)
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
        return true;
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

    /// <summary>
    /// How many rows one piece of a delete removes (and a fifth as many pages freed): the journal's
    /// thread is held that long, and every commit waiting behind it with it (1,000 rows a piece: a
    /// POST's p99 of 4.1 ms at 16 writers, against 3.3 ms with 250, BENCHMARKS.md).
    /// </summary>
    private const int DeleteChunk = 250;

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
