using System.Net;
using ActorSockets.Server.Listening;
using static ActorSockets.Server.Listening.ReplyRateLimiter;

namespace ActorSockets.Tests.Server.Listening;

/// <summary>The UDP reply budget per source network, as plain state (no packets: addresses are only keys here).</summary>
public class ReplyRateLimiterTests
{
    private static IPEndPoint At(string address, int port = 40000) => new(IPAddress.Parse(address), port);

    private const int SlipBytes = 50;

    [Fact]
    public void A_network_gets_its_budget_of_bytes_per_second_then_drops_with_one_short_reply_in_four()
    {
        var limiter = new ReplyRateLimiter(bytesPerSecond: 3100);
        var decisions = Enumerable.Range(0, 11).Select(_ => limiter.Check(At("203.0.113.7"), 1000, nowMs: 0, SlipBytes)).ToList();
        Assert.Equal([Decision.Send, Decision.Send, Decision.Send, Decision.Drop, Decision.Drop, Decision.Drop,
            Decision.Slip, Decision.Drop, Decision.Drop, Decision.Drop, Decision.Slip], decisions);
    }

    [Fact]
    public void A_slip_is_sent_only_inside_the_budget_and_counts_against_it()
    {
        var limiter = new ReplyRateLimiter(bytesPerSecond: 3000);
        var sent = 0;
        for (var i = 0; i < 400; i++)
        {
            sent += limiter.Check(At("203.0.113.7"), 1000, nowMs: 0, SlipBytes) switch
            {
                Decision.Send => 1000,
                Decision.Slip => SlipBytes,
                _ => 0,
            };
        }
        Assert.Equal(3000, sent); // the whole second's budget went to replies: no slip beyond it
        var (total, slips) = (0, 0);
        for (var ms = 1; ms <= 1000; ms++)
        {
            var decision = limiter.Check(At("203.0.113.7"), 1000, nowMs: ms, SlipBytes);
            total += decision switch { Decision.Send => 1000, Decision.Slip => SlipBytes, _ => 0 };
            slips += decision == Decision.Slip ? 1 : 0;
        }
        Assert.True(slips > 0, "a flooded network still hears that it is rate limited");
        Assert.InRange(total, 0, 3000); // replies and slips together within the second's refill
    }

    [Fact]
    public void The_budget_refills_with_time_up_to_one_second_of_burst()
    {
        var limiter = new ReplyRateLimiter(bytesPerSecond: 1000);
        Assert.Equal(Decision.Send, limiter.Check(At("203.0.113.7"), 1000, nowMs: 0, SlipBytes));
        Assert.NotEqual(Decision.Send, limiter.Check(At("203.0.113.7"), 600, nowMs: 500, SlipBytes)); // 500 bytes back so far
        Assert.Equal(Decision.Send, limiter.Check(At("203.0.113.7"), 600, nowMs: 700, SlipBytes));
        Assert.Equal(Decision.Send, limiter.Check(At("203.0.113.7"), 1000, nowMs: 60_000, SlipBytes)); // long idle: one second's worth, no more
        Assert.NotEqual(Decision.Send, limiter.Check(At("203.0.113.7"), 1, nowMs: 60_000, SlipBytes));
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
        Assert.Equal(Decision.Send, limiter.Check(At(a), 1000, nowMs: 0, SlipBytes));
        Assert.Equal(shared ? Decision.Drop : Decision.Send, limiter.Check(At(b, 50000), 1000, nowMs: 0, SlipBytes));
    }
}
