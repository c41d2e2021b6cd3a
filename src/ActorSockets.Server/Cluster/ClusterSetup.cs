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
    /// Failure detection and downing, chosen for failover within 10 s (BENCHMARKS.md, cluster mode).
    /// Heartbeats are Akka's (every second, 3 s of silence allowed): a crashed node is unreachable
    /// after about 4 s. What is shortened is what waits once a node is known to be gone: the resolver
    /// downs it after 2 s of stable membership (Akka: 20 s), the leader removes it at its next tick
    /// (250 ms, gossip every 500 ms; Akka: 1 s each), the singletons start on the next oldest node
    /// 500 ms after the removal (Akka waits <c>stable-after</c> again, time for a downed side to stop
    /// its own singletons first: our store does not need it, since it stops writing as soon as its
    /// node no longer sees a majority, seconds before the others down that node, see
    /// <see cref="MajorityView"/>), and proxies look for a moved singleton every 250 ms (Akka: 1 s).
    /// Shorter heartbeat values would move the store sooner but risk downing a node that only paused
    /// (a long GC, a loaded machine): a downed node shuts itself down and must be started again. A
    /// config file may set any of these (ARCHITECTURE.md, Cluster mode). The cluster's own actors
    /// (heartbeats, gossip) run on a dispatcher of their own, so they never wait behind a socket's work.
    /// </summary>
    public static readonly Config Hocon = ConfigurationFactory.ParseString($$"""
        akka.cluster {
          use-dispatcher = {{Dispatchers.Cluster}}
          unreachable-nodes-reaper-interval = 250ms
          leader-actions-interval = 250ms
          gossip-interval = 500ms
          split-brain-resolver.stable-after = 2s
          down-removal-margin = 500ms
          # Akka's 5 s, not less: the first seed, started again after a leave, forms a cluster of its
          # own if no other seed answers within it, and over TLS to an address the others have just
          # seen leave, their answer took 2.8 s (scripts/cluster/netns.sh, rolling restart).
          seed-node-timeout = 5s
          retry-unsuccessful-join-after = 2s
          # A node the resolver downs stops (its clients get BYE shutdown) rather than serving alone.
          run-coordinated-shutdown-when-down = on
          singleton-proxy {
            singleton-identification-interval = 250ms
            # Akka's proxies warn at start, before the cluster has even formed; the stores log where they run.
            log-singleton-identification-failure = off
          }
        }
        akka.remote.retry-gate-closed-for = 1s
        """).WithFallback(ClusterMessageSerializer.Hocon).WithFallback(ClusterSingleton.DefaultConfig());

    /// <summary>
    /// Adds remoting and clustering to <paramref name="builder"/> for <paramref name="settings"/>, over
    /// mutual TLS when <paramref name="tls"/> is given: each side presents its certificate and accepts
    /// the other's only if it chains to the cluster's CA (<see cref="ClusterTls"/>). The node carries
    /// its journal's <paramref name="board"/> as a role, for <see cref="BoardCheckActor"/>.
    /// </summary>
    public static AkkaConfigurationBuilder AddCluster(this AkkaConfigurationBuilder builder, ActorSocketsSettings settings, ClusterTls? tls,
        Notes.JournalBoard? board) =>
        builder
            .AddHocon(Hocon, HoconAddMode.Append)
            .WithRemoting(new RemoteOptions
            {
                HostName = settings.ClusterHostname,
                Port = settings.ClusterPort,
                EnableSsl = tls is not null,
                Ssl = tls is null ? new SslOptions() : new SslOptions
                {
                    X509Certificate = tls.Certificate,
                    SuppressValidation = false,
                    RequireMutualAuthentication = true,
                    ValidateCertificateHostname = false,
                    CustomValidator = tls.Validator,
                },
            })
            .WithClustering(new ClusterOptions
            {
                SeedNodes = [.. settings.ClusterSeedNodes.Select(seed => SeedAddress(seed, tls is not null))],
                SplitBrainResolver = new KeepMajorityOption(),
                Roles = board is null ? [] : [BoardCheckActor.RoleOf(board.Identity)],
            });

    /// <summary><c>host:port</c> as Akka's address of the node listening there (over TLS, Akka's scheme is <c>akka.ssl.tcp</c>).</summary>
    public static string SeedAddress(string hostAndPort, bool tls) => $"akka.{(tls ? "ssl." : "")}tcp://{SystemName}@{hostAndPort}";
}
