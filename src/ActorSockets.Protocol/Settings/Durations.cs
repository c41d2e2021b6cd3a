using System.Globalization;

namespace ActorSockets.Protocol.Settings;

/// <summary>Durations as HOCON writes them: a number and a unit (<c>30s</c>, <c>1500ms</c>, <c>2m</c>, <c>1 h</c>).</summary>
public static class Durations
{
    private static readonly (string Unit, double Milliseconds)[] Units =
    [
        ("ms", 1), ("millisecond", 1), ("milliseconds", 1),
        ("s", 1000), ("second", 1000), ("seconds", 1000),
        ("m", 60_000), ("minute", 60_000), ("minutes", 60_000),
        ("h", 3_600_000), ("hour", 3_600_000), ("hours", 3_600_000),
    ];

    /// <summary>
    /// Reads a positive duration of at most a day. A bare number is refused: HOCON would read it as
    /// milliseconds, which nobody typing <c>timeout = 30</c> means.
    /// </summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var trimmed = text.Trim();
        var split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
            split++;
        if (split == 0 || !double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            return false;
        var unit = trimmed[split..].Trim();
        foreach (var (name, ms) in Units)
        {
            if (!unit.Equals(name, StringComparison.Ordinal))
                continue;
            duration = TimeSpan.FromMilliseconds(amount * ms);
            return duration > TimeSpan.Zero && duration <= TimeSpan.FromDays(1);
        }
        return false;
    }
}
