using Akka.Actor;

namespace ActorSockets.Server;

/// <summary>
/// This node's monotonic clock, in milliseconds: what every deadline of a request is set and judged
/// by. Its readings mean something on this node only. A machine's monotonic clock starts near its
/// boot, so two machines' readings differ by their uptimes, and wall clocks may differ by anything;
/// a deadline that travels to another node therefore goes as the time left
/// (<see cref="Cluster.ClusterMessageSerializer"/>) and comes back as a reading of that node's clock.
/// </summary>
/// <remarks>
/// <c>actor-sockets.testing.clock-offset-ms</c> moves this node's readings, as another machine's
/// would be: the specs run nodes in one process whose clocks differ by minutes, and show that no
/// reading crosses between them. Zero outside tests.
/// </remarks>
public sealed class NodeClock : IExtension
{
    private readonly long _offsetMs;

    public NodeClock(long offsetMs) => _offsetMs = offsetMs;

    /// <summary>Milliseconds on this node's monotonic clock.</summary>
    public long NowMs => Environment.TickCount64 + _offsetMs;

    /// <summary>A reading <paramref name="after"/> from now.</summary>
    public long In(TimeSpan after) => NowMs + (long)after.TotalMilliseconds;

    public static NodeClock Of(ActorSystem system) => system.WithExtension<NodeClock, NodeClockProvider>();
}

public sealed class NodeClockProvider : ExtensionIdProvider<NodeClock>
{
    public override NodeClock CreateExtension(ExtendedActorSystem system) =>
        new(system.Settings.Config.GetLong("actor-sockets.testing.clock-offset-ms", 0));
}
