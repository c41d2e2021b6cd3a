using System.Net;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Services;

namespace ActorSockets.Server.Sessions;

/// <summary>What a session is told when the limiter makes it.</summary>
public sealed record SessionInfo(long Id, EndPoint Remote, ActorSocketsSettings Settings, IService Service);
