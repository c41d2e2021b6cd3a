using ActorSockets.Protocol;
using Akka.Actor;
using Akka.Event;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Notes;

/// <summary>What the supervisor does in every state alike, its moves between states, and what it holds meanwhile.</summary>
public sealed partial class NotesStoreSupervisor
{
    /// <summary>What every state does alike: the board's news, the timers, the cluster's questions.</summary>
    private void InAnyState(object message)
    {
        switch (message)
        {
            case AskBoard ask when _boardIdentity is not null:
                ask.ReplyTo.Tell(new BoardIs(_boardIdentity, _lastBoard?.Count ?? _acknowledgedCount));
                break;
            case HandOver:
                OnHandOver();
                break;
            case StoreFailed failed:
                OnFailing(failed.Reason);
                break;
            case StoreWrote:
                OnWorking();
                break;
            case StoreStopped stopped when stopped.Board.Count >= _acknowledgedCount: // (one refused as too short is not kept)
                (_lastBoard, _acknowledgedCount) = (stopped.Board, stopped.Board.Count);
                break;
            case DeadLetter { Message: IStoreRequest request } dead when dead.Recipient.Path.Parent.Equals(Self.Path):
                Self.Tell(request, request.ReplyTo); // handed to a board that stopped before taking it: served as if it came now
                break;
            case ForgetDeadLetters when _store is null:
                Context.System.EventStream.Unsubscribe(Self);
                break;
            case ExpireWaiting:
                _held.RefuseOverdue(_clock.NowMs, Unavailable);
                ArmExpiry();
                break;
            case CheckMajority:
                if (MayWrite() && _majority is { Out: true })
                    OnMajorityAgain();
                break;
            case StoreStopped or StoreReady or DeadLetter or Terminated or RestartStore or ForgetDeadLetters:
                break; // from a board that is gone, or news another state acted on
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// Starts a board, unless one runs or may not: its node sees no majority, a member holds another
    /// board, or another process holds the database's lock (looked at again soon).
    /// </summary>
    private void StartStore()
    {
        if (_store is not null || !MayWrite())
            return;
        if (_fence?.AnotherBoard?.Invoke() is { } member)
        {
            // One board per cluster: this node is about to leave (BoardCheckActor); never serve its board meanwhile.
            LookAgainSoon($"this node's journal holds another board than the cluster's (member {member}): the store does not take it over");
            return;
        }
        if (!DatabaseReady())
            return;
        _storeStartedMs = _clock.NowMs;
        // The board runs where its supervisor runs: on the default dispatcher in the server (it
        // never blocks: its journal's calls run on the journal's thread), wherever a test puts it.
        _store = Context.ActorOf(NotesStoreActor.Props(_snapshotEvery, Self, _maxNotes).WithDispatcher(Context.Props.Dispatcher), "board");
        Context.Watch(_store);
        // Requests handed to a board that then stops come back from the dead letters: listened to
        // while a board runs, and a moment after it stops.
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        Timers.Cancel(DeadLettersTimerKey);
        Become(Starting);
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
        _lastBoard = board;
        _acknowledgedCount = board.Count;
        _storeReady = true;
        if (NodeAddress is { } node)
            _log.Info("notes store ready on this node ({0}): {1} notes, recovered in {2} ms", node, board.Count, _clock.NowMs - _storeStartedMs);
        _held.HandOnTo(_store!);
        Timers.Cancel(ExpireTimerKey);
        Become(Running);
    }

    /// <summary>The board stopped (failed, refused, or crashed): it starts again after the back-off.</summary>
    private void StoreGone()
    {
        ForgetStore();
        Timers.StartSingleTimer(RestartTimerKey, RestartStore.Instance, _restartDelay);
        _restartDelay = TimeSpan.FromTicks(Math.Min(_restartDelay.Ticks * 2, ServerTuning.StoreMaxRestartDelay.Ticks));
        Become(Down);
    }

    private void ForgetStore()
    {
        _store = null;
        _storeReady = false;
        Timers.StartSingleTimer(DeadLettersTimerKey, ForgetDeadLetters.Instance, ServerTuning.StoreDeadLetterGrace);
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
    private bool MayWrite()
    {
        if (_majority is null)
            return true;
        var verdict = _majority.Check(_clock.NowMs);
        if (verdict.Leave)
        {
            // Woken from a pause (or cut off this long): the others have downed this node and moved
            // the store. Leaving now frees the journal's connections, which the majority's store
            // waits for; its own resolver would take seconds more to say the same.
            _log.Warning("notes store: this node has seen no majority for {0:F1} s (paused or cut off); the others have downed it by now: it leaves (exit 10)",
                verdict.SilentMs / 1000.0);
            CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClusterDowningReason.Instance);
        }
        if (verdict.JustLost)
        {
            _log.Warning("notes store: this node sees {0} of {1} members, no majority: it writes no note and lets the database go " +
                "until it sees a majority again (the majority may start a store of its own meanwhile)", verdict.Seen, verdict.Members);
            if (_store is null)
                LetDatabaseGo();
            else
            {
                _store.Tell(NotesStoreActor.Drain.Instance);
                Become(Draining);
            }
        }
        return verdict.Sees;
    }

    private void LetDatabaseGo()
    {
        _ownership?.Dispose();
        _ownership = null;
    }

    private void OnMajorityAgain()
    {
        _majority!.Regained();
        _log.Info("notes store: this node sees a majority again; the store starts");
        if (_store is null)
            StartStore();
        // (A board still draining stops, and starts again like after any stop.)
    }

    /// <summary>
    /// The singleton moves to another node (this one leaves the cluster): notes being written are
    /// finished and answered, new ones are refused (the client retries, and reaches the next store),
    /// then this actor stops and lets the database go.
    /// </summary>
    private void OnHandOver()
    {
        _held.RefuseAll(Replies.StoreUnavailable);
        Timers.Cancel(RestartTimerKey);
        if (_store is null)
        {
            Context.Stop(Self);
            return;
        }
        _store.Tell(NotesStoreActor.Drain.Instance);
        Become(HandingOver);
    }

    private void Hold(IStoreRequest request)
    {
        var wait = _failure is null ? ServerTuning.StoreWaitWhileStarting : ServerTuning.StoreWaitWhileFailing;
        _held.Hold(request, wait, _clock.NowMs, Unavailable);
        ArmExpiry();
    }

    /// <summary>A read is served from the board as last known, if any; anything else waits for a board.</summary>
    private void HoldOrRead(IStoreRequest request)
    {
        if (request is GetNotes get && _lastBoard is not null)
            NotesStoreActor.Read(_lastBoard, get);
        else
            Hold(request);
    }

    /// <summary>One timer, for the earliest deadline of what is held (waits differ: starting or failing).</summary>
    private void ArmExpiry() => Timers.ArmForEarliest(ExpireTimerKey, ExpireWaiting.Instance, _held.Queue, _clock.NowMs);

    private string Unavailable => _failure ?? Replies.StoreUnavailable;
}
