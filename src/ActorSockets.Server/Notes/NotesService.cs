using ActorSockets.Server.Services;
using Akka.Actor;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The <c>notes</c> service (PROTOCOL.md section 4): every session talks to the one notes store, and
/// sets its notes' deadlines by <paramref name="clock"/>, this node's.
/// </summary>
public sealed class NotesService(IActorRef store, NodeClock clock) : IService
{
    /// <summary>The notes store (in cluster mode, its singleton's proxy): the readiness probe reads from it.</summary>
    public IActorRef Store => store;

    public IReadOnlyList<string> HelpLines { get; } =
    [
        "notes: one board of notes shared by every client, kept on disk",
        "POST <text>     stores a note (POST \"a note\" works too) and answers OK <id>",
        "GET             every note, oldest first: NOTES <total> <count>, then one <id> <text> line each",
        "GET <after-id>  the notes after that id; over UDP a full page ends with MORE <id>: ask GET <id> next",
    ];

    public IServiceSession Open(ServiceContext context) => new NotesSession(store, clock, context);
}
