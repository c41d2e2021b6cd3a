namespace ActorSockets.Server;

/// <summary>
/// The server's dispatchers, their ids and their HOCON in one place, below every folder: actors of
/// any folder name a dispatcher here and depend on nothing else for it. The default dispatcher
/// (sockets and sessions) runs mailboxes on the thread that scheduled them
/// (<see cref="SameThreadExecutor"/>); what may block, or must never wait behind sockets'
/// work, runs on one of these, each with threads of its own.
/// </summary>
public static class Dispatchers
{
    /// <summary>
    /// For actors that may block or run long: the logger, Akka.Persistence.Sql's journal streams
    /// (another database than ours), the chat operator, the live view. Two threads of its own, so a stalled database or terminal
    /// takes neither a socket's thread nor the whole pool.
    /// </summary>
    public const string Background = "actor-sockets-background-dispatcher";

    /// <summary>
    /// One thread of its own for admissions: Akka.IO's TCP listener (its management dispatcher), our
    /// listener and the limiter. A newcomer's accept and admission then never wait in the thread
    /// pool's queue behind sessions' work, however busy a flood keeps the pool.
    /// </summary>
    public const string Admission = "actor-sockets-admission-dispatcher";

    /// <summary>
    /// The chat's RSA work (its workers): threads of its own, so that a burst of handshakes cannot
    /// take the threads that serve the sockets.
    /// </summary>
    public const string ChatCrypto = "actor-sockets-chat-crypto-dispatcher";

    /// <summary>Cluster mode: Akka.Cluster's own actors (heartbeats, gossip), so a heartbeat never waits behind a socket's work.</summary>
    public const string Cluster = "actor-sockets-cluster-dispatcher";

    /// <summary>The chat's RSA workers: one per two cores, at least one.</summary>
    public static int ChatCryptoWorkers => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The four dispatchers' settings (a config file may override them).</summary>
    public static readonly string Hocon = $$"""
        {{Background}} {
          type = ForkJoinDispatcher
          throughput = 30
          dedicated-thread-pool.thread-count = 2
        }
        {{Admission}} {
          type = ForkJoinDispatcher
          throughput = 30
          dedicated-thread-pool.thread-count = 1
        }
        akka.io.tcp.management-dispatcher = {{Admission}}
        {{ChatCrypto}} {
          type = ForkJoinDispatcher
          throughput = 5
          dedicated-thread-pool.thread-count = {{ChatCryptoWorkers}}
        }
        {{Cluster}} {
          type = ForkJoinDispatcher
          throughput = 100
          dedicated-thread-pool.thread-count = 2
        }

        """;
}
