using System.Globalization;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// Bounds the limiter's log lines about UDP sessions, which a flood of forged sources would make one
/// per datagram: in each window the first <paramref name="linesPerWindow"/> events are logged a line
/// each, the rest only counted, and the counts come out as one summary line when the window ends.
/// Plain state; the limiter owns the window's timer.
/// </summary>
public sealed class UdpTally(int linesPerWindow)
{
    public const string Admitted = "admitted";
    public const string Evicted = "evicted";
    public const string Ended = "ended";

    private readonly Dictionary<string, long> _counted = [];
    private int _logged;

    /// <summary>True while this window still logs lines; otherwise the event of <paramref name="kind"/> is counted.</summary>
    public bool ShouldLog(string kind)
    {
        if (_logged < linesPerWindow)
        {
            _logged++;
            return true;
        }
        _counted[kind] = _counted.GetValueOrDefault(kind) + 1;
        return false;
    }

    /// <summary>The window ends: what was counted (<c>1200 endpoints admitted, 1180 evicted</c>), or null; a new window starts.</summary>
    public string? TakeSummary()
    {
        _logged = 0;
        if (_counted.Count == 0)
            return null;
        var summary = "more sessions than logged: " + string.Join(", ",
            new[] { Admitted, Evicted, Ended }.Where(_counted.ContainsKey)
                .Select(kind => $"{_counted[kind].ToString(CultureInfo.InvariantCulture)} {kind}"));
        _counted.Clear();
        return summary;
    }
}
