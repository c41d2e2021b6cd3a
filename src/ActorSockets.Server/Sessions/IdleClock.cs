namespace ActorSockets.Server.Sessions;

/// <summary>
/// The idle timeout of PROTOCOL.md section 2 as plain state: the time of the client's last activity
/// (a complete, non-blank request line, or a non-empty datagram) and whether the clock runs at all
/// (it waits while the server owes a reply, and in chat while it is the server's turn). Touching it
/// is a field write, so a request costs no timer. The session holds no timer for it either: the
/// limiter looks at every session's timeouts in one sweep, asking a session only once its
/// <see cref="EarliestExpiryMs"/> has passed (see <c>LimiterActor</c>).
/// </summary>
/// <remarks>Times are milliseconds of <see cref="Environment.TickCount64"/>: monotonic, cheap to read.</remarks>
public sealed class IdleClock(TimeSpan? timeout)
{
    private readonly long? _timeoutMs = timeout is { } t ? (long)t.TotalMilliseconds : null;
    private long _lastActivityMs;
    private bool _running;

    public static long Now => Environment.TickCount64;

    /// <summary>The client did something that counts as activity: the timeout starts afresh.</summary>
    public void Touch(long nowMs) => _lastActivityMs = nowMs;

    /// <summary>The clock stops (the server owes a reply, or the session ends).</summary>
    public void Pause() => _running = false;

    /// <summary>The clock runs again from <paramref name="nowMs"/> (the client's turn starts afresh), unless it already runs.</summary>
    public void Resume(long nowMs)
    {
        if (_timeoutMs is null || _running)
            return;
        _running = true;
        _lastActivityMs = nowMs;
    }

    /// <summary>True when the client has been idle for the whole timeout while the clock ran.</summary>
    public bool IsExpired(long nowMs) => _running && _timeoutMs is { } timeoutMs && nowMs - _lastActivityMs >= timeoutMs;

    /// <summary>
    /// The earliest time the timeout can expire, as seen at <paramref name="nowMs"/>: a whole timeout
    /// after the last activity while the clock runs, a whole timeout from now while it stands still
    /// (it can only start afresh); <see cref="long.MaxValue"/> without a timeout. Activity only moves it later.
    /// </summary>
    public long EarliestExpiryMs(long nowMs) => _timeoutMs switch
    {
        null => long.MaxValue,
        { } timeoutMs when _running => _lastActivityMs + timeoutMs,
        { } timeoutMs => nowMs + timeoutMs,
    };
}
