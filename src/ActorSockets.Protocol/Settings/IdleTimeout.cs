using System.Globalization;

namespace ActorSockets.Protocol.Settings;

/// <summary>
/// The idle timeout: a positive duration, or off. Keeps the text it was written as, because
/// <c>BYE timeout: idle for 30s</c> names the timeout the way the config does.
/// </summary>
public sealed record IdleTimeout(TimeSpan? Duration, string Text)
{
    public static readonly IdleTimeout Off = new(null, "off");

    public bool IsOff => Duration is null;

    private static readonly (string Unit, double Milliseconds)[] Units =
    [
        ("ms", 1), ("millisecond", 1), ("milliseconds", 1),
        ("s", 1000), ("second", 1000), ("seconds", 1000),
        ("m", 60_000), ("minute", 60_000), ("minutes", 60_000),
        ("h", 3_600_000), ("hour", 3_600_000), ("hours", 3_600_000),
    ];

    /// <summary>
    /// Reads <c>off</c> or a number followed by a unit (<c>30s</c>, <c>1500ms</c>, <c>2m</c>, <c>1 h</c>).
    /// A bare number is refused: HOCON would read it as milliseconds, which nobody typing
    /// <c>timeout = 30</c> means.
    /// </summary>
    public static bool TryParse(string text, out IdleTimeout timeout)
    {
        timeout = Off;
        var trimmed = text.Trim();
        if (trimmed.Equals("off", StringComparison.OrdinalIgnoreCase))
            return true;
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
            var duration = TimeSpan.FromMilliseconds(amount * ms);
            if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(1))
                return false;
            timeout = new IdleTimeout(duration, trimmed);
            return true;
        }
        return false;
    }
}
