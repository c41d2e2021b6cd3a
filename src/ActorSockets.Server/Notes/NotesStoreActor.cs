using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The note board, durable (Akka.Persistence): a <c>POST</c> is answered <c>OK id</c> only from the
/// persist handler, that is once the <see cref="NoteAdded"/> event is in the journal. It persists with
/// <c>PersistAsync</c>, so it takes the next note while earlier ones are being written and the
/// journal can batch many writers into one write. A snapshot every <c>snapshotEvery</c> notes keeps
/// recovery short. Reads see only notes already durable.
/// </summary>
/// <remarks>
/// When the journal cannot write, every waiting writer gets <see cref="NoteNotStored"/> and the actor
/// stops; its <see cref="BackoffSupervisor"/> starts it again, and recovery rebuilds the board from
/// the journal, so a note that was not written takes no id.
/// </remarks>
public sealed class NotesStoreActor : ReceivePersistentActor
{
    public const string BoardPersistenceId = "notes-board";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int _snapshotEvery;
    /// <summary>Who waits for the OK of each note being written.</summary>
    private readonly Dictionary<long, StoreNote> _awaiting = [];
    private NotesBoard _board = NotesBoard.Empty;
    private long _nextId = 1;
    private bool _snapshotting;

    public NotesStoreActor(int snapshotEvery)
    {
        _snapshotEvery = snapshotEvery;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is NotesSnapshot snapshot)
                _board = NotesBoard.From(snapshot);
        });
        Recover<NoteAdded>(added => _board = _board.Apply(added));
        Recover<RecoveryCompleted>(_ =>
        {
            _nextId = _board.Count + 1;
            _log.Info("notes board recovered: {0} notes", _board.Count);
        });

        Command<StoreNote>(Store);
        Command<GetNotes>(get =>
        {
            var (remaining, notes) = _board.Range(get.AfterId, get.UpToId, get.MaxNotes, get.MaxBytes);
            get.ReplyTo.Tell(new NotesChunk(_board.Count, remaining, notes, get.Correlation));
        });
        Command<SaveSnapshotSuccess>(saved =>
        {
            _snapshotting = false;
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

    public static Props Props(int snapshotEvery) => Akka.Actor.Props.Create(() => new NotesStoreActor(snapshotEvery));

    /// <summary>The store under a supervisor that starts it again, with back-off, whenever it stops.</summary>
    public static Props SupervisedProps(int snapshotEvery) =>
        BackoffSupervisor.Props(Backoff.OnStop(Props(snapshotEvery), "board",
            TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), 0.2, maxNrOfRetries: -1));

    private void Store(StoreNote store)
    {
        var added = new NoteAdded(_nextId++, store.Text);
        _awaiting[added.Id] = store;
        PersistAsync(added, persisted =>
        {
            _board = _board.Apply(persisted);
            if (_awaiting.Remove(persisted.Id, out var request))
                request.ReplyTo.Tell(new NoteStored(persisted.Id, request.Correlation));
            // A snapshot holds the whole board: never start one while the last is still being written.
            if (persisted.Id % _snapshotEvery == 0 && !_snapshotting)
            {
                _snapshotting = true;
                SaveSnapshot(_board.ToSnapshot());
            }
        });
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        FailAwaiting($"the journal could not write: {cause.Message}");
        base.OnPersistFailure(cause, @event, sequenceNr); // logs and stops; the supervisor starts us again
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        FailAwaiting($"the journal refused the note: {cause.Message}");
        base.OnPersistRejected(cause, @event, sequenceNr);
        // Ids handed out after this one are no longer contiguous: start again from the journal.
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        FailAwaiting("the notes store stopped");
        base.PostStop();
    }

    private void FailAwaiting(string reason)
    {
        foreach (var request in _awaiting.Values)
            request.ReplyTo.Tell(new NoteNotStored(reason, request.Correlation));
        _awaiting.Clear();
    }
}
