namespace ActorSockets.Server.Hosting;

/// <summary>The Akka settings the server needs, under whatever the config file says (a file may override them).</summary>
public static class ServerHocon
{
    public const string Defaults = """
        akka {
          loglevel = INFO
          stdout-loglevel = WARNING
          # Acks and goodbyes sent to sessions that just stopped are expected with many clients; not news.
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          # Akka.IO truncates received datagrams to 512 bytes by default; take whole datagrams so that
          # the line limit (max-line-bytes) is enforced by us and a long one gets ERR too-long.
          io.udp.disabled-buffer-pool.buffer-size = 65536
          coordinated-shutdown {
            # Time for every client to get BYE shutdown and its last replies.
            phases.before-service-unbind.timeout = 10s
            # The host decides when the process exits; Akka must not exit it underneath.
            exit-clr = off
          }
        }
        """;
}
