using ActorSockets.Protocol.Notes;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The note board, durable (Akka.Persistence): a <c>POST</c> is answered <c>OK id</c> only after the
/// persist handler ran, that is once the <see cref="NoteAdded"/> event is committed to the journal.
/// This is group commit: it persists with <c>PersistAsync</c>, so it takes the next notes while
/// earlier ones are being written, and Akka.Persistence keeps one write to the journal in flight per
/// actor and sends every note that arrived meanwhile as the next one (one transaction, one fsync on
/// SQLite's write-ahead log). A snapshot holds the whole board, so one is taken only once the board
/// has doubled since the last (and grown by <c>snapshotEvery</c> notes at least), or grown by
/// <see cref="MostEventsReplayed"/>: not once per <c>snapshotEvery</c> notes, which rewrote a large
/// board again and again, and recovery replays at most that many events.
/// Reads see only notes already acknowledged.
/// </summary>
/// <remarks>
/// When the journal cannot write, every waiting writer gets <see cref="NoteNotStored"/> with the
/// journal's reason, at once, and the actor stops (Akka.Persistence always stops it). Its owner,
/// <see cref="NotesStoreSupervisor"/>, hears why and what the board held, serves reads meanwhile and
/// starts it again; recovery rebuilds the board from the journal, so a note not written takes no id.
/// </remarks>
public sealed class NotesStoreActor : ReceivePersistentActor
{
    public const string BoardPersistenceId = "notes-board";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int _snapshotEvery;
    /// <summary>The most notes the board holds (<c>notes.max-notes</c>).</summary>
    private readonly int _maxNotes;
    /// <summary>Told when the store is ready, failing, healthy and stopped; nobody when it runs alone (tests).</summary>
    private readonly IActorRef _owner;
    private readonly NodeClock _clock = NodeClock.Of(Context.System);
    /// <summary>The journal's SQLite database, if it is one: asked whether its file is still there before a note is acknowledged.</summary>
    private readonly NotesDatabase? _database;
    private bool _wroteOnce;
    /// <summary>Who waits for the OK of each note being written (a retry with the same key waits for the same note).</summary>
    private readonly Dictionary<long, List<StoreNote>> _awaiting = [];
    /// <summary>Keys of notes being written, not yet on the board: a retry that overtakes the write finds them here.</summary>
    private readonly Dictionary<string, NoteAdded> _writing = [];
    /// <summary>Every note the journal has confirmed (what a snapshot holds).</summary>
    private NotesBoard _board = NotesBoard.Empty;
    /// <summary>The board as far as it is acknowledged: what reads see, and what the owner is told on a stop.</summary>
    private NotesBoard _acknowledged = NotesBoard.Empty;
    private long _nextId = 1;
    private bool _snapshotting;
    /// <summary>How many notes the last snapshot held (recovered or saved), and the one being saved.</summary>
    private long _snapshotHolds, _snapshotSaving;
    /// <summary>Notes the journal has confirmed, not yet acknowledged (<see cref="Acknowledge()"/>).</summary>
    private readonly List<NoteAdded> _written = [];
    /// <summary>Told to stop once the notes being written are answered (<see cref="Drain"/>).</summary>
    private bool _draining;

    public NotesStoreActor(int snapshotEvery, IActorRef owner, NotesDatabase? database, int maxNotes)
    {
        _snapshotEvery = snapshotEvery;
        _maxNotes = maxNotes;
        _owner = owner;
        _database = database;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is NotesSnapshot snapshot)
            {
                _board = NotesBoard.From(snapshot, WallClockMs);
                _snapshotHolds = _board.Count;
            }
        });
        Recover<NoteAdded>(added => _board = _board.Apply(added, WallClockMs));
        Recover<RecoveryCompleted>(_ =>
        {
            _nextId = _board.Count + 1;
            _acknowledged = _board;
            _log.Debug("notes board recovered: {0} notes", _board.Count);
            _owner.Tell(new NotesStoreSupervisor.StoreReady(_board));
        });

        Command<StoreNote>(Store);
        Command<AcknowledgeWritten>(_ => Acknowledge());
        Command<Drain>(_ =>
        {
            _draining = true;
            StopIfDrained();
        });
        Command<GetNotes>(get => Read(_acknowledged, get));
        Command<SaveSnapshotSuccess>(saved =>
        {
            _snapshotting = false;
            _snapshotHolds = _snapshotSaving;
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed =>
        {
            _snapshotting = false;
            _log.Warning("notes snapshot not saved: {0}", failed.Cause.Message);
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning("old notes snapshots not deleted: {0}", failed.Cause.Message));
    }

    public override string PersistenceId => BoardPersistenceId;

    /// <summary>The store alone, reporting to <paramref name="owner"/> (nobody by default).</summary>
    public static Props Props(int snapshotEvery, IActorRef? owner = null, NotesDatabase? database = null, int maxNotes = int.MaxValue) =>
        Akka.Actor.Props.Create(() => new NotesStoreActor(snapshotEvery, owner ?? ActorRefs.Nobody, database, maxNotes));

    /// <summary>Answers a read from <paramref name="board"/>: the store's and, while it is down, its supervisor's.</summary>
    internal static void Read(NotesBoard board, GetNotes get)
    {
        var (remaining, notes) = board.Range(get.AfterId, get.UpToId, get.MaxNotes, get.MaxBytes);
        get.ReplyTo.Tell(new NotesChunk(board.Count, remaining, notes, get.Correlation));
    }

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
        PersistAsync(added, OnPersisted);
    }

    /// <summary>
    /// The note is in the journal: it goes on the board at once (so the board always holds what
    /// Akka.Persistence has confirmed, and a snapshot's sequence number is its last note's), but its
    /// requests hear their id, and reads see it, only once every note confirmed by then is looked at
    /// together (<see cref="AcknowledgeWritten"/>, told to itself behind the journal's confirmations
    /// of one write): the database's file is checked once per commit, not once per note.
    /// </summary>
    private void OnPersisted(NoteAdded persisted)
    {
        _board = _board.Apply(persisted, WallClockMs);
        if (persisted.Key is not null)
            _writing.Remove(persisted.Key);
        if (_written.Count == 0)
            Self.Tell(AcknowledgeWritten.Instance);
        _written.Add(persisted);
        // A snapshot holds the whole board: never start one while the last is still being written.
        if (!_snapshotting && SnapshotDue(persisted.Id, _snapshotHolds, _snapshotEvery))
        {
            _snapshotting = true;
            _snapshotSaving = persisted.Id;
            SaveSnapshot(_board.ToSnapshot());
        }
    }

    /// <summary>Every request for the notes confirmed since the last acknowledgement hears its id, and reads see them.</summary>
    private void Acknowledge()
    {
        if (_database?.FileLost() is { } lost)
        {
            // Written, but to a file the server will not read again: not kept, so not acknowledged.
            // Recovery then finds fewer notes than were acknowledged, and the supervisor refuses writes.
            _written.Clear();
            Fail(lost);
            Context.Stop(Self);
            return;
        }
        foreach (var written in _written)
        {
            if (_awaiting.Remove(written.Id, out var requests))
            {
                foreach (var request in requests)
                    request.ReplyTo.Tell(new NoteStored(written.Id, request.Correlation));
            }
        }
        _written.Clear();
        _acknowledged = _board;
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

    /// <summary>Told to itself on the first note the journal confirms after an acknowledgement.</summary>
    private sealed class AcknowledgeWritten
    {
        public static readonly AcknowledgeWritten Instance = new();
        private AcknowledgeWritten() { }
    }

    // Failures are not logged here: one failing disk would log a stack trace per note. The owner
    // logs one line when storage starts failing and one when it works again.

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        Fail($"the journal could not write: {Reason(cause)}"); // Akka.Persistence stops the actor after this

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        Fail($"the journal refused the note: {Reason(cause)}");
        // Ids handed out after this one are no longer contiguous: start again from the journal.
        Context.Stop(Self);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        Fail($"the journal cannot be read: {Reason(reason)}"); // Akka.Persistence stops the actor after this

    protected override void PostStop()
    {
        FailAwaiting("the notes store stopped");
        _owner.Tell(new NotesStoreSupervisor.StoreStopped(_acknowledged));
        base.PostStop();
    }

    private void Fail(string reason)
    {
        FailAwaiting(reason);
        _owner.Tell(new NotesStoreSupervisor.StoreFailed(reason));
    }

    /// <summary>The innermost message: the database's own words ("attempt to write a readonly database"), not a wrapper's.</summary>
    private static string Reason(Exception cause) => cause.GetBaseException().Message.TrimEnd('.', ' ');

    private void StopIfDrained()
    {
        if (_draining && _awaiting.Count == 0)
            Context.Stop(Self);
    }

    /// <summary>Stop once every note being written is in the journal and answered; store no new one.</summary>
    public sealed class Drain
    {
        public static readonly Drain Instance = new();
        private Drain() { }
    }

    private Note? Writing(string key) => _writing.TryGetValue(key, out var added) ? new Note(added.Id, added.Text) : null;

    private void FailAwaiting(string reason)
    {
        foreach (var request in _awaiting.Values.SelectMany(requests => requests))
            request.ReplyTo.Tell(new NoteNotStored(reason, request.Correlation));
        _awaiting.Clear();
        _writing.Clear();
        _written.Clear();
    }
}
