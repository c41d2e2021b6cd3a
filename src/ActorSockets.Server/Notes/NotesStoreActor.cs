using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The note board, durable (Akka.Persistence): a <c>POST</c> is answered <c>OK id</c> only after the
/// persist handler ran, that is once the <see cref="NoteAdded"/> event is committed to the journal.
/// This is group commit: it persists with <c>PersistAsync</c>, so it takes the next notes while
/// earlier ones are being written; the SQLite journal (<see cref="SqliteJournal"/>) commits every
/// note that arrived meanwhile in one transaction (one fsync of the write-ahead log), and on other
/// journals Akka.Persistence keeps one write in flight and sends all that arrived meanwhile as the
/// next. A snapshot holds the whole board, so one is taken only once the board has doubled since
/// the last (and grown by <c>snapshotEvery</c> notes at least), or grown by
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
public sealed partial class NotesStoreActor : ReceivePersistentActor
{
    public const string BoardPersistenceId = "notes-board";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int _snapshotEvery;
    /// <summary>The most notes the board holds (<c>notes.max-notes</c>).</summary>
    private readonly int _maxNotes;
    /// <summary>Told when the store is ready, failing, healthy and stopped; nobody when it runs alone (tests).</summary>
    private readonly IActorRef _owner;
    private readonly NodeClock _clock = NodeClock.Of(Context.System);
    private bool _wroteOnce;
    /// <summary>Who waits for the OK of each note being written (a retry with the same key waits for the same note).</summary>
    private readonly Dictionary<long, List<StoreNote>> _awaiting = [];
    /// <summary>Keys of notes being written, not yet on the board: a retry that overtakes the write finds them here.</summary>
    private readonly Dictionary<string, NoteAdded> _writing = [];
    /// <summary>
    /// Every note the journal has confirmed, each acknowledged as it was: what reads see, what a
    /// snapshot holds, and what the owner is told on a stop (all durable, even part-way through recovery).
    /// </summary>
    private NotesBoard _board = NotesBoard.Empty;
    private long _nextId = 1;
    /// <summary>How many notes the last snapshot held (recovered or saved).</summary>
    private long _snapshotHolds;
    /// <summary>How many notes the snapshot being saved holds; null while none is.</summary>
    private long? _snapshotSaving;
    /// <summary>Told to stop once the notes being written are answered (<see cref="Drain"/>).</summary>
    private bool _draining;
    /// <summary>The persist handler, made once: a method group passed on is a new delegate each note.</summary>
    private readonly Action<NoteAdded> _onPersisted;

    public NotesStoreActor(int snapshotEvery, IActorRef owner, int maxNotes)
    {
        _snapshotEvery = snapshotEvery;
        _maxNotes = maxNotes;
        _owner = owner;
        _onPersisted = OnPersisted;

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
            _log.Debug("notes board recovered: {0} notes", _board.Count);
            _owner.Tell(new NotesStoreSupervisor.StoreReady(_board));
        });

        Command<StoreNote>(Store);
        Command<Drain>(_ =>
        {
            _draining = true;
            StopIfDrained();
        });
        Command<GetNotes>(get => Read(_board, get));
        ReceiveSnapshotReplies();
    }

    public override string PersistenceId => BoardPersistenceId;

    /// <summary>The store alone, reporting to <paramref name="owner"/> (nobody by default).</summary>
    public static Props Props(int snapshotEvery, IActorRef? owner = null, int maxNotes = int.MaxValue) =>
        Akka.Actor.Props.Create(() => new NotesStoreActor(snapshotEvery, owner ?? ActorRefs.Nobody, maxNotes));

    /// <summary>Answers a read from <paramref name="board"/>: the store's and, while it is down, its supervisor's.</summary>
    internal static void Read(NotesBoard board, GetNotes get)
    {
        var (remaining, notes) = board.Range(get.AfterId, get.UpToId, get.MaxNotes, get.MaxBytes);
        get.ReplyTo.Tell(new NotesChunk(board.Count, remaining, notes, get.Correlation));
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
        _owner.Tell(new NotesStoreSupervisor.StoreStopped(_board));
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

    private void FailAwaiting(string reason)
    {
        foreach (var request in _awaiting.Values.SelectMany(requests => requests))
            request.ReplyTo.Tell(new NoteNotStored(reason, request.Correlation));
        _awaiting.Clear();
        _writing.Clear();
    }
}
