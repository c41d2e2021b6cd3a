using System.Collections.Concurrent;

namespace ActorSockets.Server.LiveView;

/// <summary>One log line, as the live view shows it under the tree; <paramref name="Kind"/> for the limiter's (<see cref="Limiting.LimiterLogLine"/>).</summary>
public sealed record ViewEvent(DateTime Time, string Level, string Source, string Text, Limiting.LimiterEvent? Kind = null);

/// <summary>
/// Where log lines go while the live view owns the terminal: the last few, for the view to show
/// (a log line written to the terminal would tear the drawing). Written by the logger actor, read by
/// the view's drawing thread.
/// </summary>
public sealed class ViewEvents
{
    public const int Kept = 10;
    private readonly ConcurrentQueue<ViewEvent> _events = new();

    public void Add(ViewEvent e)
    {
        _events.Enqueue(e);
        while (_events.Count > Kept && _events.TryDequeue(out _))
        {
        }
    }

    /// <summary>The last events, oldest first.</summary>
    public IReadOnlyList<ViewEvent> Last() => [.. _events];

    /// <summary>The view of this process while it draws; null when log lines go to standard output.</summary>
    public static ViewEvents? Active { get; set; }
}
