using ActorSockets.Protocol;
using Akka.Actor;
using Akka.Event;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The <c>notes-store</c> of ARCHITECTURE.md: owns the persistent <see cref="NotesStoreActor"/> (the
/// board) and keeps the service answering while the journal fails. Its states, one behaviour each:
/// <list type="bullet">
/// <item><see cref="Starting"/>: a board recovers; requests are held (reads are served from the board as last known).</item>
/// <item><see cref="Running"/>: requests go straight to the board.</item>
/// <item><see cref="Down"/>: no board runs; it failed and starts again with back-off (200 ms doubling to
/// 10 s, back to 200 ms once a note is written), or waits for the database's lock, or its node sees no
/// majority. Requests are held for a bounded time (<see cref="HeldRequests"/>) and answered
/// <c>ERR storage: &lt;reason&gt;</c> if no board comes: never silence.</item>
/// <item><see cref="Draining"/>: its node lost sight of the majority; the board finishes the notes it is
/// writing, then stops, and the database is let go so that the majority's new store can take it.</item>
/// <item><see cref="HandingOver"/>: the singleton moves (its node leaves); the board finishes what it
/// writes, new notes are refused (the client retries and reaches the next store), then it stops.</item>
/// </list>
/// One line is logged when storage starts failing and one when it works again. A journal that comes
/// back holding fewer notes than were acknowledged (the file replaced or lost) is refused, so that
/// new notes never take the ids of lost ones.
/// <para>
/// In cluster mode this actor is the cluster singleton (PROTOCOL.md section 7): it first takes the
/// database's lock (<see cref="NotesDatabase.Claim"/>; while another process holds it, it looks again
/// every 200 ms), and it writes only while its node sees a majority (<see cref="MajorityWatch"/>,
/// asked before every note and every 250 ms).
/// </para>
/// </summary>
public sealed partial class NotesStoreSupervisor : UntypedActor, IWithTimers
{
    private const string RestartTimerKey = "restart-store";
    private const string ExpireTimerKey = "expire-waiting";
    private const string MajorityTimerKey = "majority-check";
    private const string DeadLettersTimerKey = "dead-letters";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeClock _clock = NodeClock.Of(Context.System);
    private readonly int _snapshotEvery;
    private readonly int _maxNotes;
    private readonly HeldRequests _held = new();
    /// <summary>The board, while one runs (recovering, serving, or finishing before it stops).</summary>
    private IActorRef? _store;
    private bool _storeReady;
    /// <summary>The board as the store last held it, for reads while it is down; null before the first recovery.</summary>
    private NotesBoard? _lastBoard;
    private long _acknowledgedCount;
    /// <summary>Why storage fails, in words for clients; null while it works.</summary>
    private string? _failure;
    private TimeSpan _restartDelay = ServerTuning.StoreMinRestartDelay;
    /// <summary>The SQLite database, when the journal is one: its lock taken in cluster mode, its file checked before an acknowledgement.</summary>
    private readonly NotesDatabase? _database;
    /// <summary>The database's lock, while this store holds it (cluster mode).</summary>
    private IDisposable? _ownership;
    /// <summary>When the current board was started, for the log line that says how long its recovery took.</summary>
    private long _storeStartedMs;
    /// <summary>The identity of the board this node's database holds (cluster mode); null when not known.</summary>
    private readonly string? _boardIdentity;
    private readonly StoreFence? _fence;
    /// <summary>Cluster mode: whether this node sees a majority, asked before it writes.</summary>
    private readonly MajorityWatch? _majority;

    public NotesStoreSupervisor(int snapshotEvery, NotesDatabase? database, string? boardIdentity, StoreFence? fence, int maxNotes)
    {
        _snapshotEvery = snapshotEvery;
        _maxNotes = maxNotes;
        _database = database;
        _boardIdentity = boardIdentity;
        _fence = fence;
        _majority = fence is null ? null : new MajorityWatch(fence, _clock.NowMs);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="database">The journal's SQLite database, if it is one; when shared (cluster mode) the store takes its lock before it starts.</param>
    /// <param name="boardIdentity">Cluster mode: the board this node's database holds, told to nodes that ask (<see cref="AskBoard"/>).</param>
    /// <param name="fence">Cluster mode: writes only while its node sees a majority (<see cref="StoreFence"/>).</param>
    /// <param name="maxNotes">The most notes the board holds (<c>notes.max-notes</c>).</param>
    public static Props Props(int snapshotEvery, NotesDatabase? database = null, string? boardIdentity = null, StoreFence? fence = null,
        int maxNotes = int.MaxValue) =>
        Akka.Actor.Props.Create(() => new NotesStoreSupervisor(snapshotEvery, database, boardIdentity, fence, maxNotes));

    protected override void PreStart()
    {
        if (NodeAddress is { } node)
            _log.Info("notes store starting on this node ({0})", node);
        if (_fence is not null)
            Timers.StartPeriodicTimer(MajorityTimerKey, CheckMajority.Instance, ServerTuning.StoreMajorityCheck);
        StartStore();
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _ownership?.Dispose();
        if (NodeAddress is { } node)
            _log.Info("notes store stopped on this node ({0})", node);
    }

    /// <summary>This node's cluster address; null for a server that is no cluster node.</summary>
    private Address? NodeAddress =>
        ((ExtendedActorSystem)Context.System).Provider.DefaultAddress is { Port: not null } address ? address : null;

    protected override SupervisorStrategy SupervisorStrategy() =>
        // An exception in the store is a bug, not a disk fault: stop it, and start it again like any stop.
        new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Before the first board starts (PreStart moves on at once), as when none runs.</summary>
    protected override void OnReceive(object message) => Down(message);

    private void Starting(object message)
    {
        switch (message)
        {
            case StoreNote note when !MayWrite():
                Hold(note);
                break;
            case IStoreRequest request:
                HoldOrRead(request);
                break;
            case StoreReady ready when Sender.Equals(_store):
                OnStoreReady(ready.Board);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_store):
                StoreGone();
                break;
            default:
                InAnyState(message);
                break;
        }
    }

    private void Running(object message)
    {
        switch (message)
        {
            case StoreNote note when !MayWrite():
                // Asked before every note, not only on the timer: a paused node wakes with its
                // writers' notes in its mailbox, and must not write one before it knows where it stands.
                Hold(note);
                break;
            case IStoreRequest request:
                _store!.Forward(request);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_store):
                StoreGone();
                break;
            default:
                InAnyState(message);
                break;
        }
    }

    private void Down(object message)
    {
        switch (message)
        {
            case StoreNote note when !MayWrite():
                Hold(note);
                break;
            case IStoreRequest request:
                HoldOrRead(request);
                break;
            case RestartStore:
                StartStore();
                break;
            default:
                InAnyState(message);
                break;
        }
    }

    private void Draining(object message)
    {
        switch (message)
        {
            case StoreNote note:
                MayWrite(); // (keeps the watch's clock: a node out of sight too long leaves)
                Hold(note);
                break;
            case GetNotes get when _storeReady:
                _store!.Forward(get);
                break;
            case IStoreRequest request:
                HoldOrRead(request);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_store):
                // Back in sight meanwhile: it starts again like after any stop; else the database goes.
                if (_majority is { Out: true })
                {
                    ForgetStore();
                    LetDatabaseGo();
                    Become(Down);
                }
                else
                    StoreGone();
                break;
            default:
                InAnyState(message);
                break;
        }
    }

    private void HandingOver(object message)
    {
        switch (message)
        {
            case StoreNote note:
                HeldRequests.Refuse(note, Replies.StoreUnavailable);
                break;
            case GetNotes get when _storeReady:
                _store!.Forward(get);
                break;
            case IStoreRequest request:
                HoldOrRead(request);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_store):
                Context.Stop(Self);
                break;
            case HandOver or RestartStore or CheckMajority:
                break; // moving already: nothing starts here again
            default:
                InAnyState(message);
                break;
        }
    }
}
