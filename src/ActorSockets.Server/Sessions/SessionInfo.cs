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
}
