using ActorSockets.Server.Services;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// What the request logic (<see cref="RequestPipeline"/>) asks of the session actor around it: the
/// one seam between them. <see cref="SessionActor"/> does the first part for every transport (the
/// limiter's figures, the service's deadline); TCP and UDP each do the rest (what leaving bytes and ending mean).
/// </summary>
public interface ISessionEffects
{
    /// <summary>Ask the parent for the STATS figures; they come back to <see cref="RequestPipeline.OnStats"/>.</summary>
    void AskStats(long unreportedRequests);

    /// <summary>
    /// An answer from another actor is awaited until <paramref name="deadlineMs"/> (<see cref="IdleClock.Now"/>'s
    /// clock): a look at the session's timeouts is due by then (<see cref="RequestPipeline.OnTimeoutCheck"/>).
    /// </summary>
    void AwaitingService(long deadlineMs);

    /// <summary>One request is answered: UDP sends its datagram now; TCP gathers until the end of the read.</summary>
    void RequestAnswered();

    /// <summary>Hand what is gathered to the transport (and close once an ending session is written).</summary>
    void OutputReady();

    /// <summary>The session began to end (once).</summary>
    void Ending(SessionEndReason reason);

    /// <summary>Every waiting request is served and none is awaited.</summary>
    void CaughtUp();
}
