using ActorSockets.Tests.Support;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// UDP datagrams from many source ports, as a scan or a spoofing sender makes them: each opens a
/// session, and every one of them is reclaimed after the idle timeout: no session actor, no place
/// and no entry in the listener's map is left behind.
/// </summary>
public class ManySourcesTests
{
    [Fact]
    public async Task Sessions_from_many_source_ports_are_all_reclaimed_after_the_idle_timeout()
    {
        await using var server = await RunningServer.StartAsync("transport=udp", "clients-limit=500", "timeout=1s");
        var sources = Enumerable.Range(0, 200).Select(_ => new UdpTestClient(server.EndPoint)).ToList();
        try
        {
            foreach (var source in sources)
                await source.SendAsync("1 1");
            using var observer = new UdpTestClient(server.EndPoint);
            var during = await observer.AskReliablyAsync("s", "STATS");
            Assert.Matches(@"^STATS clients=\d+/500 ", during);
            Assert.True(SessionActors(server) > 100, during); // most of the 200 datagrams opened a session

            // After the timeout (and its one-second slack): nothing of them is left. The limiter's count
            // says when; a count of identities alone could read 0 on a loaded machine that answers late.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            var stats = "";
            for (var i = 0; DateTime.UtcNow < deadline; i++)
            {
                stats = await observer.AskReliablyAsync($"t{i}", "STATS");
                if (stats.StartsWith("STATS clients=1/500 ", StringComparison.Ordinal)) // the observer's own, new session
                    break;
                await Task.Delay(200);
            }
            Assert.StartsWith("STATS clients=1/500 ", stats);
            // A session gives its place back as it ends, a moment before its actor has stopped. At most
            // the observer's own session is left (it too times out after a second of silence).
            while (SessionActors(server) > 1 && DateTime.UtcNow < deadline)
                await Task.Delay(200);
            Assert.InRange(SessionActors(server), 0, 1);
        }
        finally
        {
            foreach (var source in sources)
                source.Dispose();
        }
    }

    /// <summary>Session actors alive under the limiter, counted by asking each to identify itself.</summary>
    private static int SessionActors(RunningServer server)
    {
        var system = server.Services.GetRequiredService<ActorSystem>();
        var inbox = Inbox.Create(system);
        system.ActorSelection("/user/limiter/session-*").Tell(new Identify(null), inbox.Receiver);
        var count = 0;
        try
        {
            while (inbox.Receive(TimeSpan.FromSeconds(1)) is ActorIdentity { Subject: not null })
                count++;
        }
        catch (TimeoutException)
        {
            // No more answers.
        }
        return count;
    }
}
