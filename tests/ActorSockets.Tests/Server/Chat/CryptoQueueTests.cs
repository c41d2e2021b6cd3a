using ActorSockets.Server.Chat;

namespace ActorSockets.Tests.Server.Chat;

/// <summary>The chat crypto admission policy as plain state: no actor system, the clock given.</summary>
public class CryptoQueueTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Fact]
    public void Established_chats_run_before_handshakes_that_came_first()
    {
        var queue = new CryptoQueue<string>(workers: 1, Bound);
        Assert.True(queue.TryAdd("key-1", handshake: true, notAfterMs: 100));
        Assert.True(queue.TryAdd("key-2", handshake: true, notAfterMs: 100));
        Assert.True(queue.TryAdd("msg", handshake: false, notAfterMs: 100));
        var order = new List<string>();
        while (queue.TryTake(nowMs: 0, out var job))
            order.Add(job);
        Assert.Equal(["msg", "key-1", "key-2"], order);
    }

    [Fact]
    public void A_handshake_is_refused_while_more_waits_than_can_finish_within_the_bound_and_a_chat_never_is()
    {
        var queue = new CryptoQueue<int>(workers: 2, Bound);
        for (var i = 0; i < 20; i++)
            queue.Ran(100); // jobs take about 100 ms
        Assert.InRange(queue.AverageJob.TotalMilliseconds, 90, 100);
        var admitted = 0;
        while (queue.TryAdd(admitted, handshake: true, notAfterMs: 10_000) && admitted < 1000)
            admitted++;
        // Two workers at ~100 ms a job finish about 20 jobs within a second.
        Assert.InRange(admitted, 18, 22);
        Assert.True(queue.TryAdd(-1, handshake: false, notAfterMs: 10_000)); // an established chat's message still goes in
        Assert.True(queue.TryTake(0, out var first));
        Assert.Equal(-1, first);
    }

    [Fact]
    public void Jobs_whose_session_gave_up_are_dropped_not_run()
    {
        var queue = new CryptoQueue<string>(workers: 1, Bound);
        queue.TryAdd("late", handshake: false, notAfterMs: 50);
        queue.TryAdd("in-time", handshake: true, notAfterMs: 500);
        Assert.True(queue.TryTake(nowMs: 100, out var job));
        Assert.Equal("in-time", job);
        Assert.Equal(1, queue.Dropped);
        Assert.False(queue.TryTake(nowMs: 100, out _));
    }
}
