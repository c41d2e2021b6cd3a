using ActorSockets.Protocol.Notes;
using Akka.Actor;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The notes store's messages. Replies go to <c>ReplyTo</c>, never through Ask, and carry the
/// request's <c>Correlation</c>, so a late answer is never taken for a later request's.
/// </summary>
public static class NotesProtocol
{
    /// <summary>
    /// Store a note; answered <see cref="NoteStored"/> once it is in the journal, or <see cref="NoteNotStored"/>.
    /// With a board-wide idempotency <paramref name="Key"/> the board already holds: the first note's
    /// <see cref="NoteStored"/> again for the same text, <see cref="NoteConflict"/> for another.
    /// A note that reaches the store after <paramref name="NotAfterMs"/> (a reading of the
    /// <see cref="NodeClock"/> of the node that holds the message) is not stored: its session has
    /// answered <c>ERR storage</c> by then (a request held by a singleton proxy during a move, say).
    /// </summary>
    public sealed record StoreNote(string Text, IActorRef ReplyTo, long Correlation, string? Key = null, long? NotAfterMs = null) : IStoreRequest
    {
        public object Refusal(string reason) => new NoteNotStored(reason, Correlation);
    }

    public sealed record NoteStored(long Id, long Correlation) : IClusterMessage;

    public sealed record NoteNotStored(string Reason, long Correlation) : IClusterMessage;

    /// <summary>The idempotency key names another note: <c>ERR conflict</c>.</summary>
    public sealed record NoteConflict(long Correlation) : IClusterMessage;

    /// <summary>
    /// Read notes after <paramref name="AfterId"/>, up to <paramref name="UpToId"/> (0: the board's end),
    /// at most <paramref name="MaxNotes"/> and about <paramref name="MaxBytes"/> of text; answered <see cref="NotesChunk"/>.
    /// </summary>
    public sealed record GetNotes(long AfterId, long UpToId, int MaxNotes, int MaxBytes, IActorRef ReplyTo, long Correlation) : IStoreRequest
    {
        public object Refusal(string reason) => new NotesNotRead(reason, Correlation);
    }

    /// <summary>A request the store answers (a note to store, notes to read), which its supervisor may hold or refuse.</summary>
    public interface IStoreRequest : IClusterMessage
    {
        IActorRef ReplyTo { get; }

        /// <summary>The answer that says it was not served: <c>ERR storage: <paramref name="reason"/></c> to the client.</summary>
        object Refusal(string reason);
    }

    /// <summary>Which board does the store serve? Answered <see cref="BoardIs"/> by the store's supervisor, in any state.</summary>
    public sealed record AskBoard(IActorRef ReplyTo) : IClusterMessage;

    /// <summary>The store serves the board <paramref name="Identity"/> (its node's database's), holding <paramref name="Notes"/> notes as far as it knows.</summary>
    public sealed record BoardIs(string Identity, long Notes) : IClusterMessage;

    /// <summary>No board to read from: the store is down and has not held one yet. The client gets <c>ERR storage</c>.</summary>
    public sealed record NotesNotRead(string Reason, long Correlation) : IClusterMessage;

    /// <summary>
    /// <paramref name="Total"/> notes on the board; <paramref name="Remaining"/> of them after the asked
    /// id (up to the asked end), of which <paramref name="Notes"/> are the first.
    /// </summary>
    public sealed record NotesChunk(long Total, long Remaining, IReadOnlyList<Note> Notes, long Correlation) : IClusterMessage;
}
