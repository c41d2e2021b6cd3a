using ActorSockets.Server.Sessions;

namespace ActorSockets.Tests.Server.Sessions;

/// <summary>
/// The idle timeout as plain state (PROTOCOL.md section 2): it runs only while it is the client's
/// turn, activity starts it afresh, and a check says when to look again instead of arming a timer
/// per request.
/// </summary>
public sealed class IdleClockTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Without_a_timeout_it_never_runs_and_never_expires()
    {
        var clock = new IdleClock(null);
        Assert.Null(clock.Resume(nowMs: 0));
        Assert.False(clock.IsExpired(nowMs: long.MaxValue / 2, out var again));
        Assert.Null(again);
    }

    [Fact]
    public void Once_resumed_it_expires_after_the_whole_timeout_without_activity()
    {
        var clock = new IdleClock(Timeout);
        Assert.Equal(Timeout, clock.Resume(nowMs: 1_000));
        Assert.Null(clock.Resume(nowMs: 2_000)); // already running: no second check asked for
        Assert.False(clock.IsExpired(nowMs: 4_000, out var again));
        Assert.Equal(TimeSpan.FromSeconds(7), again); // from the resume at 1 s, not the second call
        Assert.True(clock.IsExpired(nowMs: 11_000, out _));
    }

    [Fact]
    public void Activity_starts_the_timeout_afresh()
    {
        var clock = new IdleClock(Timeout);
        clock.Resume(nowMs: 0);
        clock.Touch(nowMs: 8_000);
        Assert.False(clock.IsExpired(nowMs: 10_000, out var again));
        Assert.Equal(TimeSpan.FromSeconds(8), again);
        Assert.True(clock.IsExpired(nowMs: 18_000, out _));
    }

    [Fact]
    public void While_the_server_owes_a_reply_the_clock_stands_still()
    {
        var clock = new IdleClock(Timeout);
        clock.Resume(nowMs: 0);
        clock.Pause();
        Assert.False(clock.IsExpired(nowMs: 60_000, out var again));
        Assert.Null(again); // stopped: the next Resume asks for the check
        Assert.Equal(Timeout, clock.Resume(nowMs: 60_000)); // the client's turn starts afresh
        Assert.False(clock.IsExpired(nowMs: 69_999, out _));
        Assert.True(clock.IsExpired(nowMs: 70_000, out _));
    }
}
