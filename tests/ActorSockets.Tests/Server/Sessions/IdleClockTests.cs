using ActorSockets.Server.Sessions;

namespace ActorSockets.Tests.Server.Sessions;

/// <summary>
/// The idle timeout as plain state (PROTOCOL.md section 2): it runs only while it is the client's
/// turn, activity starts it afresh, and it says the earliest time it can expire, for the limiter's
/// sweep to look then (no timer per request, none per session).
/// </summary>
public sealed class IdleClockTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Without_a_timeout_it_never_runs_and_never_expires()
    {
        var clock = new IdleClock(null);
        clock.Resume(nowMs: 0);
        Assert.False(clock.IsExpired(nowMs: long.MaxValue / 2));
        Assert.Equal(long.MaxValue, clock.EarliestExpiryMs(nowMs: 0));
    }

    [Fact]
    public void Once_resumed_it_expires_after_the_whole_timeout_without_activity()
    {
        var clock = new IdleClock(Timeout);
        clock.Resume(nowMs: 1_000);
        clock.Resume(nowMs: 2_000); // already running: the clock does not start again
        Assert.False(clock.IsExpired(nowMs: 4_000));
        Assert.Equal(11_000, clock.EarliestExpiryMs(nowMs: 4_000)); // from the resume at 1 s, not the second call
        Assert.False(clock.IsExpired(nowMs: 10_999));
        Assert.True(clock.IsExpired(nowMs: 11_000));
    }

    [Fact]
    public void Activity_starts_the_timeout_afresh()
    {
        var clock = new IdleClock(Timeout);
        clock.Resume(nowMs: 0);
        clock.Touch(nowMs: 8_000);
        Assert.False(clock.IsExpired(nowMs: 10_000));
        Assert.Equal(18_000, clock.EarliestExpiryMs(nowMs: 10_000));
        Assert.True(clock.IsExpired(nowMs: 18_000));
    }

    [Fact]
    public void While_the_server_owes_a_reply_the_clock_stands_still_and_can_expire_a_whole_timeout_from_now_at_the_earliest()
    {
        var clock = new IdleClock(Timeout);
        clock.Resume(nowMs: 0);
        clock.Pause();
        Assert.False(clock.IsExpired(nowMs: 60_000));
        Assert.Equal(70_000, clock.EarliestExpiryMs(nowMs: 60_000)); // it can only start afresh
        clock.Resume(nowMs: 65_000); // the client's turn starts afresh
        Assert.Equal(75_000, clock.EarliestExpiryMs(nowMs: 66_000));
        Assert.False(clock.IsExpired(nowMs: 74_999));
        Assert.True(clock.IsExpired(nowMs: 75_000));
    }
}
