using Akka.Actor;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// What a watcher (the live view) asks the limiter for, and its answer: the figures and the newest
/// sessions, as immutable records. The limiter knows nothing of how they are drawn.
/// </summary>
public static class PictureProtocol
{
    /// <summary>The figures and at most <paramref name="MaxSessions"/> of the newest sessions, please; answered <see cref="LimiterPicture"/> to <paramref name="ReplyTo"/>.</summary>
    public sealed record PictureRequested(IActorRef ReplyTo, int MaxSessions);

    /// <param name="LastActivityMs">When the session last reported requests served (sessions report at most once a second), or was admitted: <see cref="Environment.TickCount64"/>.</param>
    /// <param name="Waiting">It waits for its service's answer (the notes store, the chat's crypto work or operator).</param>
    public sealed record SessionLine(long Id, string Remote, bool Ending, long Requests, long LastActivityMs, bool Waiting = false);

    /// <param name="Stats">The figures STATS shows.</param>
    /// <param name="Sessions">Every session alive; <paramref name="Recent"/> are the newest of them, newest first.</param>
    public sealed record LimiterPicture(Sessions.SessionProtocol.StatsSnapshot Stats, int Sessions, IReadOnlyList<SessionLine> Recent);
}
