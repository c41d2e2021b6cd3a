using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// UDP sources that never read: over loopback a test cannot forge addresses, but a socket that sends
/// and never reads is what a forger's datagrams look like to the server. Two datagrams each once
/// made them "real clients" and locked every newcomer out for the idle timeout; now only an endpoint
/// that echoed its cookie (readable only at its address) keeps its place, and a flood of sources
/// costs the log a bounded number of lines.
/// </summary>
public class ForgedSourcesTests
{
    [Fact]
    public async Task Sources_that_never_read_cannot_hold_the_places_and_a_proven_client_keeps_its_own()
    {
        var (server, endPoint) = await ServerProcess.StartAsync("--port", "0", "--set", "transport=udp", "--set", "clients-limit=5", "--set", "timeout=60s");
        await using (server)
        {
            using var proven = new UdpTestClient(endPoint);
            var cookie = await proven.ProveAsync();

            var forgers = Enumerable.Range(0, 4).Select(_ => new UdpTestClient(endPoint)).ToList();
            var newcomers = Enumerable.Range(0, 30).Select(_ => new UdpTestClient(endPoint)).ToList();
            try
            {
                foreach (var forger in forgers)
                {
                    await forger.SendAsync("1 2"); // two datagrams each, the replies never read
                    await forger.SendAsync("1 2");
                }
                // Every newcomer is served (each takes the place of one that proved nothing),
                // and the proven client's place is never taken.
                foreach (var newcomer in newcomers)
                {
                    Assert.Equal("7\n", await newcomer.AskReliablyAsync("n", "3 4"));
                    Assert.Equal($"@{cookie}-2 PONG\n", await proven.AskAsync($"@{cookie}-2 PING"));
                }
                var stats = await proven.AskAsync("STATS");
                Assert.Contains("clients=5/5", stats);
                Assert.Contains("refused=0", stats);
            }
            finally
            {
                forgers.ForEach(forger => forger.Dispose());
                newcomers.ForEach(newcomer => newcomer.Dispose());
            }
            // 35 sessions admitted and 30 evicted: at most the tally's lines, not one or two per source.
            var sessionLines = server.Stdout.Split('\n').Count(line => line.Contains("limiter: session "));
            Assert.InRange(sessionLines, 1, 20);
        }
    }
}
