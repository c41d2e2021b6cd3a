using Akka.Actor;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Notes;

/// <summary>
/// Requests the notes store's supervisor holds while no store serves (it starts, fails, or its node
/// sees no majority): each for a bounded time, handed on in arrival order when a store is ready, or
/// refused (<c>ERR storage</c>) once overdue, when too many wait, or when the store moves: never
/// silence. Plain state with the clock passed in.
/// </summary>
internal sealed class HeldRequests
{
    /// <summary>Held in arrival order, each until its deadline: the owner re-arms one timer for it.</summary>
    public DeadlineQueue<IStoreRequest> Queue { get; } = new();

    /// <summary>Holds <paramref name="request"/> for <paramref name="wait"/>, or refuses it at once when too many wait already.</summary>
    public void Hold(IStoreRequest request, TimeSpan wait, long nowMs, string refusal)
    {
        if (Queue.Count >= ServerTuning.StoreMaxWaiting)
            Refuse(request, refusal);
        else
            Queue.Add(request, nowMs + (long)wait.TotalMilliseconds);
    }

    /// <summary>Hands every held request on to <paramref name="store"/>, as from its own sender.</summary>
    public void HandOnTo(IActorRef store)
    {
        foreach (var request in Queue.TakeAll())
            store.Tell(request, request.ReplyTo);
    }

    public void RefuseOverdue(long nowMs, string refusal)
    {
        foreach (var request in Queue.TakeOverdue(nowMs))
            Refuse(request, refusal);
    }

    public void RefuseAll(string refusal)
    {
        foreach (var request in Queue.TakeAll())
            Refuse(request, refusal);
    }

    public static void Refuse(IStoreRequest request, string refusal) => request.ReplyTo.Tell(request.Refusal(refusal));
}
