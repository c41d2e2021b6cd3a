namespace ActorSockets.Server.Listening;

public static class ListenerProtocol
{
    /// <summary>Stop accepting (shutdown, after the sessions said BYE); replies <see cref="Akka.Done"/>.</summary>
    public sealed class StopListening
    {
        public static readonly StopListening Instance = new();
        private StopListening() { }
    }
}
