namespace ActorSockets.Server;

/// <summary>
/// Things that wait, each until a deadline of its own (a newcomer waiting for a place, a request
/// waiting for the notes store): taken in arrival order when they can go on, or handed back once
/// overdue. Plain state for one actor, which re-arms a single timer for <see cref="NextDueIn"/>.
/// Bounded by its owner; times are milliseconds of <see cref="Environment.TickCount64"/>.
/// </summary>
public sealed class DeadlineQueue<T>
{
    private readonly List<(T Item, long DeadlineMs)> _items = [];

    public int Count => _items.Count;

    public void Add(T item, long deadlineMs) => _items.Add((item, deadlineMs));

    /// <summary>The one that has waited longest, to go on now.</summary>
    public bool TryTakeFirst(out T item)
    {
        if (_items.Count == 0)
        {
            item = default!;
            return false;
        }
        item = _items[0].Item;
        _items.RemoveAt(0);
        return true;
    }

    /// <summary>Every item whose deadline has passed, in arrival order; the others stay.</summary>
    public List<T> TakeOverdue(long nowMs)
    {
        var overdue = _items.Where(entry => entry.DeadlineMs <= nowMs).Select(entry => entry.Item).ToList();
        _items.RemoveAll(entry => entry.DeadlineMs <= nowMs);
        return overdue;
    }

    /// <summary>How long until the earliest deadline; null when nothing waits.</summary>
    public TimeSpan? NextDueIn(long nowMs) =>
        _items.Count == 0 ? null : TimeSpan.FromMilliseconds(Math.Max(0, _items.Min(entry => entry.DeadlineMs) - nowMs));
}
