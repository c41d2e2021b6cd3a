using Akka.Actor;

namespace ActorSockets.Server.Sessions;

/// <summary>Messages a session receives from the rest of the server.</summary>
public static class SessionProtocol
{
    /// <summary>The server is stopping: say <c>BYE shutdown</c>, flush, close, stop.</summary>
    public sealed class ServerStopping : INotInfluenceReceiveTimeout
    {
        public static readonly ServerStopping Instance = new();
        private ServerStopping() { }
    }

    /// <summary>
    /// Thrown by the <c>CRASH</c> request when <c>debug.crash-command = on</c>: a real exception
    /// escaping the actor, so that a person can watch the limiter stop the session and nothing else.
    /// </summary>
    public sealed class RequestedCrashException()
        : Exception("CRASH requested by the client (debug.crash-command = on)");
}
