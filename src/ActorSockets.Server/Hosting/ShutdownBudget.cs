namespace ActorSockets.Server.Hosting;

/// <summary>
/// How long a SIGTERM (or Ctrl+C) may take, from one number, so the steps cannot fall out of order:
/// every client that reads gets <c>BYE shutdown</c> at once; one that does not read its replies
/// (its receive window full) cannot take the line and is cut off after <see cref="ClientGrace"/>;
/// the limiter's wait for the sessions and Akka's shutdown phase each allow a little more, and the
/// listener then unbinds. A server exits within about <see cref="Total"/>.
/// </summary>
public static class ShutdownBudget
{
    /// <summary>How long an ending client may take to read its last replies and BYE before it is reset.</summary>
    public static readonly TimeSpan ClientGrace = TimeSpan.FromSeconds(3);

    /// <summary>The limiter's wait for every session to stop: the clients' grace, and time to hear of it.</summary>
    public static readonly TimeSpan SessionsWait = ClientGrace + TimeSpan.FromSeconds(1);

    /// <summary>Akka's <c>before-service-unbind</c> phase, which holds that wait: it must never cut it short.</summary>
    public static readonly TimeSpan GoodbyePhase = SessionsWait + TimeSpan.FromSeconds(1);

    /// <summary>Unbinding the listening socket (Akka's <c>service-unbind</c> phase allows it).</summary>
    public static readonly TimeSpan Unbind = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan Total = GoodbyePhase + Unbind;
}
