using Akka.Actor;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// Makes a session actor with a plain constructor call. <c>Props.Create(() => new ...)</c> would build
/// an expression tree for every client, read the arguments out of it, and construct the actor by
/// reflection: garbage of a few kilobytes a client, which a burst of connections turns into
/// collections and a fragmented heap (BENCHMARKS.md, issue 21: memory per idle connection).
/// </summary>
internal sealed class SessionProducer<TSession>(SessionInfo info, IActorRef transport, Func<SessionInfo, IActorRef, TSession> make)
    : IIndirectActorProducer where TSession : SessionActor
{
    public Type ActorType => typeof(TSession);

    public ActorBase Produce() => make(info, transport);

    public void Release(ActorBase actor) { }

    /// <param name="make">A static lambda: one delegate for every session, no closure a client.</param>
    public static Props Props(SessionInfo info, IActorRef transport, Func<SessionInfo, IActorRef, TSession> make) =>
        Akka.Actor.Props.CreateBy(new SessionProducer<TSession>(info, transport, make));
}
