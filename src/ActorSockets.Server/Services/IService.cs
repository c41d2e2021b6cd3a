using System.Buffers;
using ActorSockets.Protocol.Settings;
using Akka.Actor;

namespace ActorSockets.Server.Services;

/// <summary>
/// A service (sum, notes, …): its HELP lines, and a fresh <see cref="IServiceSession"/> for every
/// client session. The session owns framing, tags, timeouts and writing; the service only answers.
/// </summary>
public interface IService
{
    /// <summary>The service's own lines of the HELP reply, before the common ones.</summary>
    IReadOnlyList<string> HelpLines { get; }

    IServiceSession Open(ServiceContext context);
}

/// <summary>What a service session knows of its client session.</summary>
/// <param name="Session">The session actor: where answers from other actors (the notes store, the chat operator) are sent.</param>
/// <param name="SessionId">The session's number, as the logs and the chat operator show it.</param>
public sealed record ServiceContext(IActorRef Session, long SessionId, ActorSocketsSettings Settings, Diagnostics.ServerMetrics? Metrics = null)
{
    /// <summary>Where the service counts what is its own (notes stored, chats begun).</summary>
    public Diagnostics.ServerMetrics Figures { get; } = Metrics ?? Diagnostics.ServerMetrics.Unregistered(Settings);
}

/// <summary>Where a request stands after a step of the service.</summary>
public enum ServiceStep
{
    /// <summary>The whole reply is written.</summary>
    Complete,
    /// <summary>The answer will come as a message; later requests wait.</summary>
    Pending,
    /// <summary>Part of a long reply is written; call <see cref="IServiceSession.Resume"/> once the client has taken it.</summary>
    NeedsWritable,
    /// <summary>The message was not the answer this service waits for.</summary>
    NotMine,
}

/// <summary>
/// One client's side of a service. Each call writes reply lines (each with the request's tag) to
/// <c>reply</c>. A request answered by another actor returns <see cref="ServiceStep.Pending"/>; the
/// session then hands it every message it does not know itself, through <see cref="Continue"/>.
/// </summary>
public interface IServiceSession
{
    /// <summary>Lines the server says first, as soon as the client is admitted (chat's HELLO).</summary>
    void Start(IBufferWriter<byte> reply) { }

    /// <summary>False for a service whose lines are never tagged (chat): the whole line is the request.</summary>
    bool TakesTags => true;

    /// <summary>Whether the client is the one to speak: the idle timer runs only then (chat waits for its operator).</summary>
    bool ClientsTurn => true;

    /// <summary>Set when the service has written its last line and the session must close, and why.</summary>
    SessionEndReason? Ending => null;

    /// <summary>
    /// Answers a request. An answer that comes later returns <see cref="ServiceStep.Pending"/>; a
    /// message the service did not wait for (the chat operator's line) also reaches <see cref="Continue"/>.
    /// </summary>
    ServiceStep Handle(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body, IBufferWriter<byte> reply);

    ServiceStep Continue(object message, IBufferWriter<byte> reply);

    ServiceStep Resume(IBufferWriter<byte> reply);

    /// <summary>No answer came in time: writes the error. True when the reply was already under way and framing is lost.</summary>
    bool Abandon(IBufferWriter<byte> reply);
}
