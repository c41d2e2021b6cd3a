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
    /// <summary>Notes awaiting the store's answer, by the relay's own correlation: the session's request, and until when it is awaited.</summary>
    private readonly Dictionary<long, (StoreNote Note, long UntilMs)> _awaiting = [];
    private readonly NodeClock _clock = NodeClock.Of(Context.System);
    private long _nextCorrelation = 1;

    public NotesStoreRelay(IActorRef store) => _store = store;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef store) => Akka.Actor.Props.Create(() => new NotesStoreRelay(store));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StoreNote note:
                var correlation = _nextCorrelation++;
                _awaiting[correlation] = (note, note.NotAfterMs ?? _clock.In(ServerTuning.ServiceTimeout));
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
        if (_awaiting.Remove(correlation, out var awaited))
            awaited.Note.ReplyTo.Tell(answer(awaited.Note));
    }

    private void ResendKeyed()
    {
        var now = _clock.NowMs;
        var overdue = _awaiting.Where(entry => entry.Value.UntilMs < now).Select(entry => entry.Key).ToList();
        foreach (var correlation in overdue)
            _awaiting.Remove(correlation); // its session has given up on it, or is about to
        foreach (var (correlation, (note, _)) in _awaiting)
        {
            if (note.Key is not null)
                _store.Tell(note with { ReplyTo = Self, Correlation = correlation });
        }
        if (_awaiting.Count == 0)
            Timers.Cancel(ResendTimerKey);
    }

    private sealed class Resend
    {
        public static readonly Resend Instance = new();
        private Resend() { }
    }
}
