namespace ActorSockets.Protocol.Settings;

/// <summary>
/// The idle timeout: a positive duration, or off. Keeps the text it was written as, because
/// <c>BYE timeout: idle for 30s</c> names the timeout the way the config does.
/// </summary>
public sealed record IdleTimeout(TimeSpan? Duration, string Text)
{
    public static readonly IdleTimeout Off = new(null, "off");

    /// <summary>Reads <c>off</c> or a duration (see <see cref="Durations.TryParse"/>).</summary>
    public static bool TryParse(string text, out IdleTimeout timeout)
    {
        timeout = Off;
        var trimmed = text.Trim();
        if (trimmed.Equals("off", StringComparison.OrdinalIgnoreCase))
            return true;
        if (!Durations.TryParse(trimmed, out var duration))
            return false;
        timeout = new IdleTimeout(duration, trimmed);
        return true;
    }
}
