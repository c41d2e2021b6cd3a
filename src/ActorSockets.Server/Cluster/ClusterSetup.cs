using ActorSockets.Protocol.Settings;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// Cluster mode's part of the actor system (PROTOCOL.md section 7): Akka.Remote on
/// <c>cluster.hostname:cluster.port</c>, Akka.Cluster joining through <c>cluster.seed-nodes</c>, and the
/// keep-majority split brain resolver. Added only with <c>cluster.enabled = on</c>: without it the
/// server is the single-process server it always was, with no remoting at all.
/// </summary>
public static class ClusterSetup
{
    /// <summary>The actor system's name, the same on every node: Akka addresses carry it.</summary>
    public const string SystemName = "ActorSockets";

    /// <summary>
    /// Failure detection and downing, chosen for failover within 10 s on a quiet network (BENCHMARKS.md):
    /// a crashed node is noticed after about 3.5 s of missed heartbeats (2 s of pause allowed, heartbeats
    /// every second), the resolver decides once membership has been stable for 2 s, and the singletons
    /// move once the downed node is removed (another <c>stable-after</c>, Akka's safety margin for the
    /// downed side to stop its own singletons). With 3 s instead of 2, a store's move took 11.8 s. Shorter values move the store sooner but risk downing a
    /// node that only paused (a long GC, a loaded machine): a downed node shuts itself down and must be
    /// started again. Akka's defaults (3 s pause, 20 s stable-after) favour that safety; a file may set
    /// them back (ARCHITECTURE.md, Cluster mode).
    /// </summary>
    public static readonly Config Hocon = ConfigurationFactory.ParseString("""
        akka.cluster {
          failure-detector.acceptable-heartbeat-pause = 2s
          split-brain-resolver.stable-after = 2s
          # Seed nodes started together find each other sooner than with Akka's 5 s.
          seed-node-timeout = 2s
          retry-unsuccessful-join-after = 2s
          # A node the resolver downs stops (its clients get BYE shutdown) rather than serving alone.
          run-coordinated-shutdown-when-down = on
        }
        akka.remote.retry-gate-closed-for = 1s
        # Akka's proxies warn at start, before the cluster has even formed; the stores log where they run.
        akka.cluster.singleton-proxy.log-singleton-identification-failure = off
        """).WithFallback(ClusterSingleton.DefaultConfig());

    /// <summary>Adds remoting and clustering to <paramref name="builder"/> for <paramref name="settings"/>.</summary>
    public static AkkaConfigurationBuilder AddCluster(this AkkaConfigurationBuilder builder, ActorSocketsSettings settings) =>
        builder
            .AddHocon(Hocon, HoconAddMode.Append)
            .WithRemoting(settings.ClusterHostname, settings.ClusterPort)
            .WithClustering(new ClusterOptions
            {
                SeedNodes = [.. settings.ClusterSeedNodes.Select(SeedAddress)],
                SplitBrainResolver = new KeepMajorityOption(),
            });

    /// <summary><c>host:port</c> as Akka's address of the node listening there.</summary>
    public static string SeedAddress(string hostAndPort) => $"akka.tcp://{SystemName}@{hostAndPort}";
}
