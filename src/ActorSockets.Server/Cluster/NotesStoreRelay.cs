using Akka.Actor;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// Between this node's sessions and the notes store's proxy, in cluster mode: it sends a note with a
/// board-wide key again, every <see cref="ServerTuning.ClusterStoreResend"/>, until the store
/// answers or the note's deadline has passed. A note sent to a store whose node has just died is
/// lost in transit (the proxy learns of the death only when the node is removed, seconds later);
/// without this its session would wait out its whole bound before its client heard
/// <c>ERR storage</c> and tried again. The key makes every copy safe: the store stores the first and
/// answers the others with its id. Notes without a key are sent once: a second copy could be a
/// second note. Reads go straight through.
/// </summary>
public sealed class NotesStoreRelay : UntypedActor, IWithTimers
{
    private const string ResendTimerKey = "resend";
    private readonly IActorRef _store;
    /// <summary>Notes awaiting the store's answer until their deadline, by the relay's own correlation (the ticket).</summary>
    private readonly DeadlineQueue<Awaited> _awaiting = new();
    private readonly NodeClock _clock = NodeClock.Of(Context.System);

    public NotesStoreRelay(IActorRef store) => _store = store;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef store) => Akka.Actor.Props.Create(() => new NotesStoreRelay(store));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StoreNote note:
                var correlation = _awaiting.Add(new Awaited(note, _clock.NowMs), note.NotAfterMs ?? _clock.In(ServerTuning.ServiceTimeout));
                _store.Tell(note with { ReplyTo = Self, Correlation = correlation });
                if (!Timers.IsTimerActive(ResendTimerKey))
                    Timers.StartPeriodicTimer(ResendTimerKey, Resend.Instance, ServerTuning.ClusterStoreResend);
                break;
            case GetNotes get:
                _store.Forward(get);
                break;
            case NoteStored stored:
                Answer(stored.Correlation, note => new NoteStored(stored.Id, note.Correlation));
                break;
            case NoteNotStored failed:
                Answer(failed.Correlation, note => new NoteNotStored(failed.Reason, note.Correlation));
                break;
            case NoteConflict conflict:
                Answer(conflict.Correlation, note => new NoteConflict(note.Correlation));
                break;
            case Resend:
                ResendKeyed();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>The first answer goes to the session; later ones (to copies) find nothing and are dropped.</summary>
    private void Answer(long correlation, Func<StoreNote, object> answer)
    {
        if (_awaiting.TryTake(correlation, out var awaited))
            awaited.Note.ReplyTo.Tell(answer(awaited.Note));
    }

    private void ResendKeyed()
    {
        var now = _clock.NowMs;
        _awaiting.TakeOverdue(now); // their sessions have given up on them, or are about to
        foreach (var (correlation, awaited) in _awaiting.Waiting)
        {
            // Only a note unanswered for a whole period: one sent a moment ago is on its way.
            if (awaited.Note.Key is null || now - awaited.SentMs < (long)ServerTuning.ClusterStoreResend.TotalMilliseconds)
                continue;
            awaited.SentMs = now;
            _store.Tell(awaited.Note with { ReplyTo = Self, Correlation = correlation });
        }
        if (_awaiting.Count == 0)
            Timers.Cancel(ResendTimerKey);
    }

    /// <summary>A note awaiting the store's answer, and when it was last sent.</summary>
    private sealed class Awaited(StoreNote note, long sentMs)
    {
        public StoreNote Note { get; } = note;
        public long SentMs { get; set; } = sentMs;
    }

    private sealed class Resend
    {
        public static readonly Resend Instance = new();
        private Resend() { }
    }
}
