using System.Net;
using ActorSockets.Server.Listening;
using static ActorSockets.Server.Listening.ReplyRateLimiter;

namespace ActorSockets.Tests.Protocol;

/// <summary>The UDP reply budget per source network, as plain state (no packets: addresses are only keys here).</summary>
public class ReplyRateLimiterTests
{
    private static IPEndPoint At(string address, int port = 40000) => new(IPAddress.Parse(address), port);

    [Fact]
    public void A_network_gets_its_budget_of_bytes_per_second_then_drops_with_one_short_reply_in_four()
    {
        var limiter = new ReplyRateLimiter(bytesPerSecond: 3000);
        var decisions = Enumerable.Range(0, 10).Select(_ => limiter.Check(At("203.0.113.7"), 1000, nowMs: 0)).ToList();
        Assert.Equal([Decision.Send, Decision.Send, Decision.Send, Decision.Drop, Decision.Drop, Decision.Drop,
            Decision.Slip, Decision.Drop, Decision.Drop, Decision.Drop], decisions);
    }

    [Fact]
    public void The_budget_refills_with_time_up_to_one_second_of_burst()
    {
        var limiter = new ReplyRateLimiter(bytesPerSecond: 1000);
        Assert.Equal(Decision.Send, limiter.Check(At("203.0.113.7"), 1000, nowMs: 0));
        Assert.NotEqual(Decision.Send, limiter.Check(At("203.0.113.7"), 600, nowMs: 500)); // 500 bytes back so far
        Assert.Equal(Decision.Send, limiter.Check(At("203.0.113.7"), 600, nowMs: 700));
        Assert.Equal(Decision.Send, limiter.Check(At("203.0.113.7"), 1000, nowMs: 60_000)); // long idle: one second's worth, no more
        Assert.NotEqual(Decision.Send, limiter.Check(At("203.0.113.7"), 1, nowMs: 60_000));
    }

    [Theory]
    [InlineData("198.51.100.1", "198.51.100.254", true)]       // one /24
    [InlineData("198.51.100.1", "198.51.101.1", false)]
    [InlineData("2001:db8:0:1200::1", "2001:db8:0:12ff::9", true)] // one /56
    [InlineData("2001:db8:0:1200::1", "2001:db8:0:1300::1", false)]
    [InlineData("198.51.100.1", "::ffff:198.51.100.77", true)]  // IPv4-mapped is IPv4
    [InlineData("0.0.0.1", "::1", false)]
    public void Addresses_share_a_budget_exactly_when_they_are_in_one_source_network(string a, string b, bool shared)
    {
        var limiter = new ReplyRateLimiter(bytesPerSecond: 1000);
        Assert.Equal(Decision.Send, limiter.Check(At(a), 1000, nowMs: 0));
        Assert.Equal(shared ? Decision.Drop : Decision.Send, limiter.Check(At(b, 50000), 1000, nowMs: 0));
    }
}
