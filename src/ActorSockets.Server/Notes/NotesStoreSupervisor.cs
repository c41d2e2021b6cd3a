using ActorSockets.Protocol;
using Akka.Actor;
using Akka.Event;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The <c>notes-store</c> of ARCHITECTURE.md: owns the persistent <see cref="NotesStoreActor"/> and
/// keeps the board answering while the journal fails. Requests go straight to the store while it
/// runs. When the journal fails, the store answers its waiting writers with the journal's reason and
/// stops; this actor then
/// <list type="bullet">
/// <item>starts it again with back-off (200 ms doubling to 10 s, back to 200 ms once a note is written),</item>
/// <item>answers reads from the board as the store last held it (only durable notes are on it),</item>
/// <item>holds writes, and reads before any board is known, for a bounded time, handing them on if
/// the store comes back and answering <c>ERR storage: &lt;reason&gt;</c> if not: never silence,</item>
/// <item>logs one line when storage starts failing and one when it works again.</item>
/// </list>
/// A journal that comes back holding fewer notes than were acknowledged (the file replaced or lost)
/// is refused, so that new notes never take the ids of lost ones.
/// <para>
/// In cluster mode this actor is the cluster singleton (PROTOCOL.md section 7): it first takes the
/// database's lock (<see cref="NotesDatabase.Claim"/>; while another process holds it, storage is
/// failing and it looks again every 200 ms), and on <see cref="HandOver"/> it lets the
/// board finish the notes it is writing before it stops, so the next node's store starts after the
/// last write. It writes only while its node sees a majority of the cluster (asked before every
/// note, and every 250 ms): a node cut off or paused holds its writers' notes, lets the board finish
/// what it is writing, and lets the database go, so that the majority's new store can take it; it
/// takes the board up again when it sees a majority again (and has not been downed meanwhile).
/// </para>
/// </summary>
public sealed class NotesStoreSupervisor : UntypedActor, IWithTimers
{
    private const string RestartTimerKey = "restart-store";
    private const string ExpireTimerKey = "expire-waiting";
    private const string MajorityTimerKey = "majority-check";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int _snapshotEvery;
    private readonly DeadlineQueue<object> _waiting = new();
    private IActorRef? _store;
    private bool _storeReady;
    /// <summary>The board as the store last held it, for reads while it is down; null before the first recovery.</summary>
    private NotesBoard? _board;
    private long _acknowledgedCount;
    /// <summary>Why storage fails; null while it works.</summary>
    private string? _failure;
    private TimeSpan _restartDelay = ServerTuning.StoreMinRestartDelay;
    private readonly Func<IDisposable>? _claimDatabase;
    /// <summary>The database's lock, while this store holds it (cluster mode).</summary>
    private IDisposable? _ownership;
    private bool _handingOver;
    /// <summary>When the current store was started, for the log line that says how long its recovery took.</summary>
    private long _storeStartedMs;

    /// <summary>The identity of the board this node's database holds (cluster mode); null when not known.</summary>
    private readonly string? _boardIdentity;

    /// <summary>Cluster mode: what the store asks before it writes.</summary>
    private readonly StoreFence? _fence;
    /// <summary>The node does not see a majority: no note is written, and the database is let go.</summary>
    private bool _outOfMajority;
    private readonly NodeClock _clock = NodeClock.Of(Context.System);
    /// <summary>When this node last saw a majority (<see cref="NodeClock"/>).</summary>
    private long _sawMajorityMs;
    private bool _leaving;

    public NotesStoreSupervisor(int snapshotEvery, Func<IDisposable>? claimDatabase, string? boardIdentity, StoreFence? fence)
    {
        _snapshotEvery = snapshotEvery;
        _claimDatabase = claimDatabase;
        _boardIdentity = boardIdentity;
        _fence = fence;
        _sawMajorityMs = _clock.NowMs;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="claimDatabase">Cluster mode: takes the database's lock before the store starts (throws <see cref="Protocol.Settings.SettingsException"/> while another holds it).</param>
    /// <param name="boardIdentity">Cluster mode: the board this node's database holds, told to nodes that ask (<see cref="AskBoard"/>).</param>
    /// <param name="fence">Cluster mode: writes only while its node sees a majority (<see cref="StoreFence"/>).</param>
    public static Props Props(int snapshotEvery, Func<IDisposable>? claimDatabase = null, string? boardIdentity = null, StoreFence? fence = null) =>
        Akka.Actor.Props.Create(() => new NotesStoreSupervisor(snapshotEvery, claimDatabase, boardIdentity, fence));

    protected override void PreStart()
    {
        // Requests already handed to a store that then stops come back from the dead letters.
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
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

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case AskBoard ask when _boardIdentity is not null:
                ask.ReplyTo.Tell(new BoardIs(_boardIdentity, _board?.Count ?? _acknowledgedCount));
                break;
            case HandOver:
                OnHandOver();
                break;
            case StoreNote when _handingOver:
                Answer(message, Replies.StoreUnavailable);
                break;
            case StoreNote when !SeesMajority():
                // Asked before every note, not only on the timer: a paused node wakes with its
                // writers' notes in its mailbox, and must not write one before it knows where it stands.
                Hold(message);
                break;
            case StoreNote or GetNotes when _storeReady && _store is not null:
                _store.Forward(message);
                break;
            case GetNotes get when _board is not null:
                NotesStoreActor.Read(_board, get);
                break;
            case StoreNote or GetNotes:
                Hold(message);
                break;
            case StoreReady ready when Sender.Equals(_store):
                OnStoreReady(ready.Board);
                break;
            case StoreFailed failed:
                OnFailing(failed.Reason);
                break;
            case StoreWrote:
                OnWorking();
                break;
            case StoreStopped stopped when stopped.Board.Count >= _acknowledgedCount:
                // (A store refused for holding too few notes keeps the board it had before.)
                _board = stopped.Board;
                _acknowledgedCount = stopped.Board.Count;
                break;
            case StoreStopped:
                break;
            case DeadLetter { Message: StoreNote or GetNotes } dead when dead.Recipient.Path.Parent.Equals(Self.Path):
                // Handed to a store that stopped before taking it (its mailbox, or its stash during
                // recovery): never lost, served as if it came now.
                OnReceive(dead.Message);
                break;
            case DeadLetter:
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_store) && _handingOver:
                Context.Stop(Self);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_store) && _outOfMajority:
                _store = null;
                _storeReady = false;
                LetDatabaseGo();
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_store):
                _store = null;
                _storeReady = false;
                ScheduleRestart();
                break;
            case RestartStore:
                StartStore();
                break;
            case CheckMajority:
                if (SeesMajority() && _outOfMajority)
                    OnMajorityAgain();
                break;
            case ExpireWaiting:
                ExpireOverdue();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void ScheduleRestart()
    {
        Timers.StartSingleTimer(RestartTimerKey, RestartStore.Instance, _restartDelay);
        _restartDelay = TimeSpan.FromTicks(Math.Min(_restartDelay.Ticks * 2, ServerTuning.StoreMaxRestartDelay.Ticks));
    }

    private void StartStore()
    {
        if (_store is not null || _handingOver || !SeesMajority())
            return;
        if (_fence?.AnotherBoard?.Invoke() is { } member)
        {
            // One board per cluster: this node is about to leave (BoardCheckActor); never serve its board meanwhile.
            OnFailing($"this node's journal holds another board than the cluster's (member {member}): the store does not take it over",
                Replies.StoreUnavailable);
            Timers.StartSingleTimer(RestartTimerKey, RestartStore.Instance, ServerTuning.StoreLockRetry);
            return;
        }
        if (_claimDatabase is not null && _ownership is null)
        {
            try
            {
                _ownership = _claimDatabase();
            }
            catch (Protocol.Settings.SettingsException e)
            {
                // Another process still writes the journal (a node the cluster has just downed, say):
                // two writers would hand out the same ids, so wait for it to let go. The log names the
                // file and its holder; a client learns only what it can act on, and no server path.
                OnFailing(e.Message, Replies.StoreUnavailable);
                // The lock is the kernel's: it is free the moment its holder's process is gone. Look
                // again soon, at a fixed interval, not after a back-off grown while waiting.
                Timers.StartSingleTimer(RestartTimerKey, RestartStore.Instance, ServerTuning.StoreLockRetry);
                return;
            }
        }
        _storeStartedMs = Environment.TickCount64;
        // The board runs where its supervisor runs: on the background dispatcher in the server (its
        // journal may block), wherever a test puts it.
        _store = Context.ActorOf(NotesStoreActor.Props(_snapshotEvery, Self).WithDispatcher(Context.Props.Dispatcher), "board");
        Context.Watch(_store);
    }

    private void OnStoreReady(NotesBoard board)
    {
        if (board.Count < _acknowledgedCount)
        {
            OnFailing($"the journal holds {board.Count} notes but {_acknowledgedCount} were acknowledged " +
                "(was the database replaced?); writes are refused until it is back");
            Context.Stop(_store!);
            return;
        }
        _board = board;
        _acknowledgedCount = board.Count;
        _storeReady = true;
        if (NodeAddress is { } node)
            _log.Info("notes store ready on this node ({0}): {1} notes, recovered in {2} ms", node, board.Count, Environment.TickCount64 - _storeStartedMs);
        while (_waiting.TryTakeFirst(out var held))
            _store!.Tell(held, ReplyTo(held));
        Timers.Cancel(ExpireTimerKey);
    }

    /// <param name="reason">For the log.</param>
    /// <param name="clientReason">For <c>ERR storage</c> replies, when the log's words are not for clients.</param>
    private void OnFailing(string reason, string? clientReason = null)
    {
        if (_failure is null)
            _log.Warning("notes storage failing: {0}; POST gets ERR storage until it works again (the store restarts with back-off)", reason);
        _failure = clientReason ?? reason;
    }

    private void OnWorking()
    {
        _restartDelay = ServerTuning.StoreMinRestartDelay;
        if (_failure is null)
            return;
        _failure = null;
        _log.Info("notes storage works again");
    }

    /// <summary>
    /// Whether this store may write: always outside cluster mode. On losing the majority it stops
    /// the board (after the notes it is writing, which are answered) and lets the database go.
    /// </summary>
    private bool SeesMajority()
    {
        if (_fence is null)
            return true;
        var (seen, members) = _fence.SeenMembers();
        var now = _clock.NowMs;
        if (seen * 2 > members)
        {
            _sawMajorityMs = now;
            return true;
        }
        if (now - _sawMajorityMs > _fence.DownedAfter.TotalMilliseconds && !_leaving)
        {
            // Woken from a pause (or cut off this long): the others have downed this node and moved
            // the store. Leaving now frees the journal's connections, which the majority's store
            // waits for; its own resolver would take seconds more to say the same.
            _leaving = true;
            _log.Warning("notes store: this node has seen no majority for {0:F1} s (paused or cut off); the others have downed it by now: it leaves (exit 10)",
                (now - _sawMajorityMs) / 1000.0);
            CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClusterDowningReason.Instance);
        }
        if (!_outOfMajority)
        {
            _outOfMajority = true;
            _log.Warning("notes store: this node sees {0} of {1} members, no majority: it writes no note and lets the database go " +
                "until it sees a majority again (the majority may start a store of its own meanwhile)", seen, members);
            if (_store is null)
                LetDatabaseGo();
            else
                _store.Tell(NotesStoreActor.Drain.Instance);
        }
        return false;
    }

    private void LetDatabaseGo()
    {
        _ownership?.Dispose();
        _ownership = null;
    }

    private void OnMajorityAgain()
    {
        _outOfMajority = false;
        _log.Info("notes store: this node sees a majority again; the store starts");
        if (_store is null)
            StartStore();
        // (A board still draining stops, and its Terminated restarts it like any stop.)
    }

    /// <summary>
    /// The singleton moves to another node (this one leaves the cluster): notes being written are
    /// finished and answered, new ones are refused (the client retries, and reaches the next store),
    /// then this actor stops and lets the database go.
    /// </summary>
    private void OnHandOver()
    {
        _handingOver = true;
        while (_waiting.TryTakeFirst(out var held))
            Answer(held, Replies.StoreUnavailable);
        if (_store is null)
            Context.Stop(Self);
        else
            _store.Tell(NotesStoreActor.Drain.Instance);
    }

    private void Hold(object request)
    {
        if (_waiting.Count >= ServerTuning.StoreMaxWaiting)
        {
            Answer(request, Unavailable);
            return;
        }
        var wait = _failure is null ? ServerTuning.StoreWaitWhileStarting : ServerTuning.StoreWaitWhileFailing;
        var now = Environment.TickCount64;
        _waiting.Add(request, now + (long)wait.TotalMilliseconds);
        ArmExpiry(now);
    }

    private void ExpireOverdue()
    {
        var now = Environment.TickCount64;
        foreach (var held in _waiting.TakeOverdue(now))
            Answer(held, Unavailable);
        ArmExpiry(now);
    }

    /// <summary>One timer, for the earliest deadline of what is held (waits differ: starting or failing).</summary>
    private void ArmExpiry(long nowMs) => Timers.ArmForEarliest(ExpireTimerKey, ExpireWaiting.Instance, _waiting, nowMs);

    private string Unavailable => _failure ?? Replies.StoreUnavailable;

    private static void Answer(object request, string reason)
    {
        switch (request)
        {
            case StoreNote store:
                store.ReplyTo.Tell(new NoteNotStored(reason, store.Correlation));
                break;
            case GetNotes get:
                get.ReplyTo.Tell(new NotesNotRead(reason, get.Correlation));
                break;
        }
    }

    private static IActorRef ReplyTo(object request) => request switch
    {
        StoreNote store => store.ReplyTo,
        GetNotes get => get.ReplyTo,
        _ => ActorRefs.Nobody,
    };

    /// <summary>The cluster singleton's termination message: finish what is being written, then stop.</summary>
    public sealed class HandOver
    {
        public static readonly HandOver Instance = new();
        private HandOver() { }
    }

    #region Messages from the store

    /// <summary>Recovery is complete: the store serves, holding <paramref name="Board"/>.</summary>
    internal sealed record StoreReady(NotesBoard Board);

    /// <summary>The journal failed; the store stops after saying so.</summary>
    internal sealed record StoreFailed(string Reason);

    /// <summary>The store's first note since it started is durable: storage works.</summary>
    internal sealed class StoreWrote
    {
        public static readonly StoreWrote Instance = new();
        private StoreWrote() { }
    }

    /// <summary>The store stopped; the board it held, every note on it durable.</summary>
    internal sealed record StoreStopped(NotesBoard Board);

    #endregion

    #region Internal messages

    private sealed class RestartStore
    {
        public static readonly RestartStore Instance = new();
        private RestartStore() { }
    }

    private sealed class ExpireWaiting
    {
        public static readonly ExpireWaiting Instance = new();
        private ExpireWaiting() { }
    }

    private sealed class CheckMajority
    {
        public static readonly CheckMajority Instance = new();
        private CheckMajority() { }
    }

    #endregion
}
