using ActorSockets.Protocol.Settings;
using Akka.Configuration;

namespace ActorSockets.Configuration;

/// <summary>
/// The whole HOCON document (the file and the command-line overrides, so that an <c>akka { … }</c>
/// section in the file reaches the actor system) and the validated settings read from it.
/// </summary>
public sealed record LoadedConfig(Config Hocon, ActorSocketsSettings Settings);
