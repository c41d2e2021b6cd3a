using System.Net;
using Akka.Actor;

namespace ActorSockets.Server.Listening;

public static class ListenerProtocol
{
    /// <summary>Stop accepting (shutdown, before the sessions say BYE); replies <see cref="Done"/>.</summary>
    public sealed class StopListening
    {
        public static readonly StopListening Instance = new();
        private StopListening() { }
    }

    /// <summary>The start line a person reads: the service, the transport and where it really listens.</summary>
    internal static string Describe(Protocol.Settings.ActorSocketsSettings s, EndPoint bound) =>
        $"{Protocol.Settings.ActorSocketsSettings.NameOf(s.Service)} over {Protocol.Settings.ActorSocketsSettings.NameOf(s.Transport)} " +
        $"listening on {bound}; clients limit {s.ClientsLimit}, idle timeout {s.Timeout.Text}";
}
