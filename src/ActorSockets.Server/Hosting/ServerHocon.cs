namespace ActorSockets.Server.Hosting;

/// <summary>The Akka settings the server needs, under whatever the config file says (a file may override them).</summary>
public static class ServerHocon
{
    /// <summary>
    /// TCP: one message per mailbox run, then the mailbox goes to the back of the queue. A connection
    /// gets one read's worth of requests a turn, so a pipelining flood takes its turns beside a
    /// one-request client, a newcomer and the limiter instead of ahead of them (at Akka's default of
    /// 30, sixteen flooders held a newcomer's first reply for a second: BENCHMARKS.md). Not for UDP,
    /// whose one socket actor carries every client's datagrams: a run per datagram there cost UDP
    /// half its throughput, so a UDP server keeps Akka's default.
    /// </summary>
    public static string ForTransport(Protocol.Settings.Transport transport) =>
        transport == Protocol.Settings.Transport.Tcp ? "akka.actor.default-dispatcher.throughput = 1\n" : "";

    /// <summary>The key <see cref="ConsoleLineLogger"/> reads its format from (each actor system its own).</summary>
    public const string LogFormatKey = "actor-sockets-logger.format";

    /// <summary>
    /// <c>log.level</c> as Akka's <c>loglevel</c> (a config file's own <c>akka.loglevel</c> still wins),
    /// and <c>log.format</c> for <see cref="ConsoleLineLogger"/> and for Akka's standard-out logger.
    /// </summary>
    public static string ForLog(Protocol.Settings.LogLevelSetting level, Protocol.Settings.LogFormat format) => $"""
        akka.loglevel = {level switch
        {
            Protocol.Settings.LogLevelSetting.Debug => "DEBUG",
            Protocol.Settings.LogLevelSetting.Warning => "WARNING",
            Protocol.Settings.LogLevelSetting.Error => "ERROR",
            _ => "INFO",
        }}
        {LogFormatKey} = {Protocol.Settings.ActorSocketsSettings.NameOf(format)}
        akka.stdout-logger-class = "{StdoutLoggerClass(format)}"
        """;

    private static string StdoutLoggerClass(Protocol.Settings.LogFormat format)
    {
        var type = format == Protocol.Settings.LogFormat.Json ? typeof(ConsoleLineLogger.JsonStdout) : typeof(ConsoleLineLogger.TextStdout);
        return $"{type.FullName}, {type.Assembly.GetName().Name}";
    }

    public static readonly string Defaults = $$"""
        akka {
          loglevel = INFO
          stdout-loglevel = WARNING
          # Acks and goodbyes sent to sessions that just stopped are expected with many clients; not news.
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          # Akka.IO truncates received datagrams to 512 bytes by default; take whole datagrams so that
          # the line limit (max-line-bytes) is enforced by us and a long one gets ERR too-long. From
          # a pool: the default "disabled" pool allocates and zeroes a fresh buffer of this size for
          # every datagram (64 KiB, about 2 GB/s at 34k datagrams/s); the direct pool keeps one 256 KiB
          # segment. Only one receive is outstanding, and the data is copied out before release.
          io.udp.buffer-pool = "akka.io.udp.direct-buffer-pool"
          io.udp.direct-buffer-pool { buffer-size = 65536, buffers-per-segment = 4, initial-segments = 1, buffer-pool-limit = 64 }
          # Akka.IO reads into a buffer of this size, one per connection, held while the connection
          # is open: 4k by default, 1k here so that an idle client costs less (BENCHMARKS.md). Lines
          # longer than a frame are assembled by the session; a bulk reply goes out in frames of
          # this size, so raise it for a server that streams large note boards.
          io.tcp.maximum-frame-size = 1k
          # Two actors a client (connection and session): mailboxes that cost next to nothing when
          # idle, for them and for Akka.IO's connection actors, which ask for an unbounded queue.
          actor.default-mailbox.mailbox-type = "ActorSockets.Server.Hosting.CompactMailbox, ActorSockets.Server"
          actor.mailbox.unbounded-queue-based.mailbox-type = "ActorSockets.Server.Hosting.CompactMailbox, ActorSockets.Server"
          # The scheduler's clock ticks every 100 ms instead of 10: an idle server woke its timer thread
          # 100 times a second (5.4% of a core with no client at all; 0.9% at 100 ms). Every timer here
          # is coarse (the idle timeout is due "within one second", the others are seconds long).
          scheduler.tick-duration = 100ms
          # Mailboxes run on the thread that scheduled them (SameThreadExecutor): a request is read,
          # served and written on the socket engine's thread, with no hand-off between threads.
          actor.default-dispatcher.executor = "ActorSockets.Server.SameThreadExecutorConfigurator, ActorSockets.Server"
          # Writing log lines may block (a paused terminal, a slow pipe): never on a socket's thread.
          loggers-dispatcher = {{Dispatchers.Background}}
          coordinated-shutdown {
            # The host decides when the process exits; Akka must not exit it underneath.
            exit-clr = off
          }
        }
        """
        + Dispatchers.Hocon
        // Time for every client to get BYE shutdown and its last replies, then to unbind (ServerTuning).
        + $"akka.coordinated-shutdown.phases.before-service-unbind.timeout = {ServerTuning.ShutdownGoodbyePhase.TotalMilliseconds}ms\n"
        + $"akka.coordinated-shutdown.phases.service-unbind.timeout = {ServerTuning.ShutdownUnbindPhase.TotalMilliseconds}ms\n";
}
