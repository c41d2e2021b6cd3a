using ActorSockets.Server;

namespace ActorSockets.Tests.Server;

/// <summary>The waiting line every actor of the server re-arms one timer for: arrival order, overdue items handed back, the next deadline.</summary>
public sealed class DeadlineQueueTests
{
    [Fact]
    public void Items_go_on_in_arrival_order_whatever_their_deadlines()
    {
        var queue = new DeadlineQueue<string>();
        queue.Add("first", deadlineMs: 5_000);
        queue.Add("second", deadlineMs: 1_000);
        Assert.True(queue.TryTakeFirst(out var first));
        Assert.True(queue.TryTakeFirst(out var second));
        Assert.Equal(("first", "second"), (first, second));
        Assert.False(queue.TryTakeFirst(out _));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Overdue_items_are_handed_back_in_arrival_order_and_the_others_stay()
    {
        var queue = new DeadlineQueue<string>();
        queue.Add("late", deadlineMs: 300);
        queue.Add("in time", deadlineMs: 900);
        queue.Add("due now", deadlineMs: 500);
        Assert.Equal(["late", "due now"], queue.TakeOverdue(nowMs: 500));
        Assert.Equal(1, queue.Count);
        Assert.Empty(queue.TakeOverdue(nowMs: 899));
        Assert.Equal(["in time"], queue.TakeOverdue(nowMs: 900));
    }

    [Fact]
    public void The_next_deadline_is_the_earliest_never_in_the_past_and_none_when_empty()
    {
        var queue = new DeadlineQueue<int>();
        Assert.Null(queue.NextDueIn(nowMs: 0));
        queue.Add(1, deadlineMs: 2_000);
        queue.Add(2, deadlineMs: 1_200);
        Assert.Equal(TimeSpan.FromMilliseconds(200), queue.NextDueIn(nowMs: 1_000));
        Assert.Equal(TimeSpan.Zero, queue.NextDueIn(nowMs: 5_000)); // overdue: at once
    }

    [Fact]
    public void A_ticket_takes_its_own_item_once_and_none_after_it_went_overdue()
    {
        var queue = new DeadlineQueue<string>();
        var first = queue.Add("first", deadlineMs: 1_000);
        var second = queue.Add("second", deadlineMs: 100);
        Assert.NotEqual(first, second);
        Assert.True(queue.TryTake(first, out var taken));
        Assert.Equal("first", taken);
        Assert.False(queue.TryTake(first, out _)); // answered twice: the second answer finds nothing
        Assert.Equal(["second"], queue.TakeOverdue(nowMs: 100));
        Assert.False(queue.TryTake(second, out _)); // answered after it went overdue
    }

    [Fact]
    public void Waiting_lists_tickets_in_arrival_order_and_take_all_empties_the_queue()
    {
        var queue = new DeadlineQueue<string>();
        var a = queue.Add("a", deadlineMs: 900);
        var b = queue.Add("b", deadlineMs: 100);
        Assert.Equal([(a, "a"), (b, "b")], queue.Waiting.ToList());
        Assert.Equal(["a", "b"], queue.TakeAll());
        Assert.Equal(0, queue.Count);
        Assert.Null(queue.NextDueIn(nowMs: 0));
    }
}
