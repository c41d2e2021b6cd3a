using ActorSockets.Server.Notes;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>When the store may write in cluster mode: a majority in sight; lost once; leave once gone longer than the others take to down the node.</summary>
public sealed class MajorityWatchTests
{
    private (int Seen, int Members) _view = (3, 3);

    private MajorityWatch NewWatch() => new(new StoreFence(() => _view, DownedAfter: TimeSpan.FromSeconds(6.5)), nowMs: 0);

    [Fact]
    public void A_majority_lets_it_write_and_half_of_the_members_is_not_one()
    {
        var watch = NewWatch();
        Assert.True(watch.Check(1_000).Sees);
        _view = (2, 3);
        Assert.True(watch.Check(2_000).Sees);
        _view = (2, 4);
        Assert.False(watch.Check(3_000).Sees);
    }

    [Fact]
    public void The_loss_is_reported_once_until_the_majority_is_regained()
    {
        var watch = NewWatch();
        _view = (1, 3);
        var lost = watch.Check(1_000);
        Assert.Equal((false, true, 1, 3), (lost.Sees, lost.JustLost, lost.Seen, lost.Members));
        Assert.False(watch.Check(1_250).JustLost);
        Assert.True(watch.Out);
        _view = (3, 3);
        Assert.True(watch.Check(1_500).Sees);
        Assert.True(watch.Out); // until the store starts again
        watch.Regained();
        _view = (1, 3);
        Assert.True(watch.Check(2_000).JustLost);
    }

    [Fact]
    public void A_node_without_a_majority_longer_than_the_others_take_to_down_it_leaves_once()
    {
        var watch = NewWatch();
        for (var nowMs = 250; nowMs <= 10_000; nowMs += 250) // the supervisor's timer
            Assert.True(watch.Check(nowMs).Sees);
        _view = (1, 3);
        for (var nowMs = 10_250; nowMs < 16_500; nowMs += 250)
            Assert.False(watch.Check(nowMs).Leave);
        Assert.False(watch.Check(16_500).Leave); // 6.5 s: not longer yet
        var woken = watch.Check(16_501);
        Assert.True(woken.Leave);
        Assert.Equal(6_501, woken.SilentMs);
        Assert.False(watch.Check(17_000).Leave);
    }

    [Fact]
    public void A_paused_node_learns_on_waking_that_it_is_out_and_must_leave_in_one_check()
    {
        var watch = NewWatch();
        Assert.True(watch.Check(1_000).Sees);
        _view = (1, 3); // its failure detector, on waking 20 s later, hears nobody
        var verdict = watch.Check(21_000);
        Assert.Equal((false, true, true), (verdict.Sees, verdict.JustLost, verdict.Leave));
    }

    /// <summary>
    /// A ClusterProcessTests run found the paused store writing notes on waking: its failure detector
    /// had just read the heartbeat replies that waited in its sockets through the pause, and counted
    /// every member as seen. What the others decided meanwhile shows in the pause itself: the watch
    /// runs every 250 ms, so a longer gap than the others take to down the node is such a pause.
    /// </summary>
    [Fact]
    public void A_node_woken_after_a_pause_longer_than_the_downing_leaves_whatever_its_detector_has_just_heard()
    {
        var watch = NewWatch();
        Assert.True(watch.Check(1_000).Sees);
        var woken = watch.Check(8_000); // nothing ran for 7 s; the detector says all three are there
        Assert.Equal((false, true, true), (woken.Sees, woken.JustLost, woken.Leave));
        // Leaving is for good: the next checks see the members again, and still the store may not write.
        Assert.False(watch.Check(8_250).Sees);
        Assert.False(watch.Check(8_500).Leave);
    }
}
