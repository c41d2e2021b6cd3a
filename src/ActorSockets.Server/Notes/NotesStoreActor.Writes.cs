using ActorSockets.Protocol.Notes;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Notes;

/// <summary>The board's writes: a note in, persisted, acknowledged once its commit returned, and the snapshots that follow.</summary>
public sealed partial class NotesStoreActor
{
    private void Store(StoreNote store)
    {
        if (store.NotAfterMs < _clock.NowMs)
        {
            store.ReplyTo.Tell(new NoteNotStored(Protocol.Replies.StoreUnavailable, store.Correlation));
            return;
        }
        if (store.Key is { } key && (_board.FindByKey(key) ?? Writing(key)) is { } earlier)
        {
            // Stored (or being stored) under this key already: the first OK again, or a conflict.
            if (earlier.Text != store.Text)
                store.ReplyTo.Tell(new NoteConflict(store.Correlation));
            else if (_awaiting.TryGetValue(earlier.Id, out var waiting))
                waiting.Add(store);
            else
                store.ReplyTo.Tell(new NoteStored(earlier.Id, store.Correlation));
            return;
        }
        if (_draining)
        {
            store.ReplyTo.Tell(new NoteNotStored(Protocol.Replies.StoreUnavailable, store.Correlation));
            return;
        }
        if (_nextId > _maxNotes)
        {
            store.ReplyTo.Tell(new NoteNotStored(Protocol.Replies.BoardFull(_maxNotes), store.Correlation));
            return;
        }
        var added = new NoteAdded(_nextId++, store.Text, store.Key);
        _awaiting[added.Id] = [store];
        if (added.Key is not null)
            _writing[added.Key] = added;
        PersistAsync(added, _onPersisted);
    }

    /// <summary>
    /// The note is in the journal (the commit that holds it returned, and found the database's file
    /// still in place): it goes on the board, so the board always holds what Akka.Persistence has
    /// confirmed and a snapshot's sequence number is its last note's; its requests hear their id,
    /// and reads see it.
    /// </summary>
    private void OnPersisted(NoteAdded persisted)
    {
        _board = _board.Apply(persisted, WallClockMs);
        if (persisted.Key is not null)
            _writing.Remove(persisted.Key);
        if (_awaiting.Remove(persisted.Id, out var requests))
        {
            foreach (var request in requests)
                request.ReplyTo.Tell(new NoteStored(persisted.Id, request.Correlation));
        }
        // A snapshot holds the whole board: never start one while the last is still being written.
        if (_snapshotSaving is null && SnapshotDue(persisted.Id, _snapshotHolds, _snapshotEvery))
        {
            _snapshotSaving = persisted.Id;
            SaveSnapshot(_board.ToSnapshot());
        }
        StopIfDrained();
        if (!_wroteOnce)
        {
            _wroteOnce = true;
            _owner.Tell(NotesStoreSupervisor.StoreWrote.Instance);
        }
    }

    /// <summary>
    /// When a key was stored, for how long the board remembers it (a day): the wall clock, as only a
    /// retention reads it. Moved to another node, the store sees the keys' times on that node's clock.
    /// </summary>
    private static long WallClockMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>
    /// Whether a board of <paramref name="notes"/> notes is due for a snapshot when the last held
    /// <paramref name="lastHeld"/>: once it has doubled, and grown by <paramref name="atLeast"/> notes,
    /// but at the latest <see cref="MostEventsReplayed"/> notes after the last.
    /// </summary>
    internal static bool SnapshotDue(long notes, long lastHeld, int atLeast) =>
        notes - lastHeld >= Math.Max(atLeast, Math.Min(lastHeld, MostEventsReplayed));

    /// <summary>
    /// The most events a recovery replays after its snapshot: at most about 3.5 s on this machine
    /// (35 µs an event), so a store that moves to another node is back in time; a board of a million
    /// notes recovered in 3.7 s (BENCHMARKS.md). Such a board writes a snapshot every 100,000 notes.
    /// </summary>
    internal const int MostEventsReplayed = 100_000;

    private Note? Writing(string key) => _writing.TryGetValue(key, out var added) ? new Note(added.Id, added.Text) : null;

    /// <summary>
    /// A snapshot saved or not: the next may start. A saved one holds every note up to its sequence
    /// number, so the older snapshots go, then the journal's events up to it (the database then holds
    /// the board about once, not a snapshot beside every event; last, so that the journal gives the
    /// pages of both back to the file system); recovery reads the snapshot and the events after it.
    /// </summary>
    private void ReceiveSnapshotReplies()
    {
        Command<SaveSnapshotSuccess>(saved =>
        {
            _snapshotHolds = _snapshotSaving ?? _snapshotHolds;
            _snapshotSaving = null;
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed =>
        {
            _snapshotSaving = null;
            _log.Warning("notes snapshot not saved: {0}", failed.Cause.Message);
        });
        Command<DeleteSnapshotsSuccess>(deleted => DeleteMessages(deleted.Criteria.MaxSequenceNr + 1));
        Command<DeleteSnapshotsFailure>(failed =>
        {
            _log.Warning("old notes snapshots not deleted: {0}", failed.Cause.Message);
            DeleteMessages(failed.Criteria.MaxSequenceNr + 1);
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => _log.Warning("notes held by a snapshot not deleted from the journal: {0}", failed.Cause.Message));
    }
}
