using Akka.Actor;

namespace ActorSockets.Server.Sessions;

/// <summary>Messages a session receives from the rest of the server.</summary>
public static class SessionProtocol
{
    /// <summary>The server is stopping: say <c>BYE shutdown</c>, flush, close, stop.</summary>
    public sealed class ServerStopping
    {
        public static readonly ServerStopping Instance = new();
        private ServerStopping() { }
    }

    /// <summary>UDP: end at once and say nothing; the place goes to a newcomer (the source may be spoofed).</summary>
    public sealed class Evict
    {
        public static readonly Evict Instance = new();
        private Evict() { }
    }

    /// <summary>From a UDP session to its limiter, once: its endpoint sent a second datagram, so it is a real client.</summary>
    public sealed class ClientConfirmed
    {
        public static readonly ClientConfirmed Instance = new();
        private ClientConfirmed() { }
    }

    /// <summary>
    /// Thrown by the <c>CRASH</c> request when <c>debug.crash-command = on</c>: a real exception
    /// escaping the actor, so that a person can watch the limiter stop the session and nothing else.
    /// </summary>
    public sealed class RequestedCrashException()
        : Exception("CRASH requested by the client (debug.crash-command = on)");
}
