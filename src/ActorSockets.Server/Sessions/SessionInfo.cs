using System.Net;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Diagnostics;
using ActorSockets.Server.Services;

namespace ActorSockets.Server.Sessions;

/// <summary>What a session is told when the limiter makes it; <paramref name="Metrics"/> are its server's (counted alone if none).</summary>
public sealed record SessionInfo(long Id, EndPoint Remote, ActorSocketsSettings Settings, IService Service, ServerMetrics? Metrics = null)
{
    /// <summary>Where the session counts its requests and bytes.</summary>
    public ServerMetrics Figures { get; } = Metrics ?? ServerMetrics.Unregistered(Settings);

    /// <summary>What the live view reads of the session that the limiter does not know: a flag the session sets, no message sent.</summary>
    public SessionGauge Gauge { get; } = new();
}

/// <summary>Written by the session, read by the limiter for the live view (a stale read shows a state a moment late, nothing worse).</summary>
public sealed class SessionGauge
{
    private volatile bool _awaitingService;

    /// <summary>The session waits for another actor's answer (the notes store, the chat's crypto or operator).</summary>
    public bool AwaitingService
    {
        get => _awaitingService;
        set => _awaitingService = value;
    }
}
