using Akka.Actor;

namespace ActorSockets.Server;

/// <summary>
/// Things that wait, each until a deadline of its own (a newcomer waiting for a place or for the
/// cluster's count, a request waiting for the notes store, a note awaiting the store's answer):
/// taken in arrival order or by the ticket <see cref="Add"/> gave them when they can go on, or
/// handed back once overdue. Plain state for one actor, which re-arms a single timer for the
/// earliest deadline (<see cref="DeadlineTimers.ArmForEarliest"/>). Bounded by its owner; times are
/// milliseconds of the owner's monotonic clock, passed in.
/// </summary>
public sealed class DeadlineQueue<T>
{
    /// <summary>By ticket; tickets only grow, so this order is the arrival order.</summary>
    private readonly SortedDictionary<long, (T Item, long DeadlineMs)> _items = [];
    private long _nextTicket = 1;

    public int Count => _items.Count;

    /// <summary>Every item still waiting with its ticket, in arrival order.</summary>
    public IEnumerable<(long Ticket, T Item)> Waiting => _items.Select(entry => (entry.Key, entry.Value.Item));

    /// <summary>Adds <paramref name="item"/>; the ticket it returns names it to <see cref="TryTake"/> (a correlation id on the wire).</summary>
    public long Add(T item, long deadlineMs)
    {
        var ticket = _nextTicket++;
        _items.Add(ticket, (item, deadlineMs));
        return ticket;
    }

    /// <summary>The item of <paramref name="ticket"/>, taken out; false when it was taken already (answered, or overdue).</summary>
    public bool TryTake(long ticket, out T item)
    {
        if (_items.Remove(ticket, out var entry))
        {
            item = entry.Item;
            return true;
        }
        item = default!;
        return false;
    }

    /// <summary>The one that has waited longest, to go on now.</summary>
    public bool TryTakeFirst(out T item)
    {
        foreach (var ticket in _items.Keys)
            return TryTake(ticket, out item);
        item = default!;
        return false;
    }

    /// <summary>Every item whose deadline has passed, in arrival order; the others stay.</summary>
    public List<T> TakeOverdue(long nowMs)
    {
        var overdue = _items.Where(entry => entry.Value.DeadlineMs <= nowMs).ToList();
        foreach (var entry in overdue)
            _items.Remove(entry.Key);
        return [.. overdue.Select(entry => entry.Value.Item)];
    }

    /// <summary>Every item, in arrival order (the owner is stopping).</summary>
    public List<T> TakeAll()
    {
        var all = _items.Values.Select(entry => entry.Item).ToList();
        _items.Clear();
        return all;
    }

    /// <summary>How long until the earliest deadline; null when nothing waits.</summary>
    public TimeSpan? NextDueIn(long nowMs) =>
        _items.Count == 0 ? null : TimeSpan.FromMilliseconds(Math.Max(0, _items.Values.Min(entry => entry.DeadlineMs) - nowMs));
}

/// <summary>The one timer an actor keeps for a <see cref="DeadlineQueue{T}"/>.</summary>
public static class DeadlineTimers
{
    /// <summary>Arms <paramref name="key"/> to send <paramref name="message"/> at the queue's earliest deadline; cancels it when nothing waits.</summary>
    public static void ArmForEarliest<T>(this ITimerScheduler timers, string key, object message, DeadlineQueue<T> queue, long nowMs)
    {
        if (queue.NextDueIn(nowMs) is { } due)
            timers.StartSingleTimer(key, message, due);
        else
            timers.Cancel(key);
    }
}
