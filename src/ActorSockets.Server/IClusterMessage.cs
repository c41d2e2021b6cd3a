namespace ActorSockets.Server;

/// <summary>
/// A message that may travel between cluster nodes: written by <c>ClusterMessageSerializer</c> under
/// a versioned manifest, never by Akka's default serializer (which writes .NET type names, differs
/// between builds, and is a deserialization attack surface on an open port).
/// </summary>
public interface IClusterMessage;
