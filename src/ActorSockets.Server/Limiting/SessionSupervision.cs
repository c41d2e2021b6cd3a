using Akka.Actor;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// How the limiter supervises its sessions: a failing session is stopped, never restarted (its
/// socket cannot be rebuilt; the default decider's log line keeps the exception's stack trace), and
/// every session that stops, for whatever reason, is told to the limiter as <paramref name="stopped"/>'s message.
/// </summary>
/// <remarks>
/// The parent learns of every child's end without DeathWatch (Akka calls
/// <see cref="HandleChildTerminated"/> on the parent's thread, after the child has stopped). Watching
/// would cost each session about 400 bytes for as long as it lives: its connection already watches it,
/// and Akka keeps a single watcher in a field but a second one makes it build the full watch state (two
/// dictionaries, a set, a behaviour stack). Issue 21: memory per idle connection.
/// </remarks>
internal sealed class SessionSupervision(Func<IActorRef, object> stopped) : OneForOneStrategy(_ => Directive.Stop)
{
    public override void HandleChildTerminated(IActorContext actorContext, IActorRef child, IEnumerable<IInternalActorRef> children) =>
        // Behind anything the session said before it stopped (its SessionEnded), as DeathWatch's message would be.
        actorContext.Self.Tell(stopped(child), ActorRefs.NoSender);
}
