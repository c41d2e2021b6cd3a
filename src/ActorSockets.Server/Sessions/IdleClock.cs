namespace ActorSockets.Server.Sessions;

/// <summary>
/// The idle timeout of PROTOCOL.md section 2 as plain state: the time of the client's last activity
/// (a complete, non-blank request line, or a non-empty datagram) and whether the clock runs at all
/// (it waits while the server owes a reply, and in chat while it is the server's turn). Touching it
/// is a field write, so a request costs no timer; the session checks it with one timer that fires
/// when the timeout could at the earliest be due, and re-arms it for the rest.
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

    /// <summary>
    /// The clock runs again from <paramref name="nowMs"/>: the client's turn starts afresh. Returns
    /// the delay after which to check, or null when there is no timeout or it was already running.
    /// </summary>
    public TimeSpan? Resume(long nowMs)
    {
        if (_timeoutMs is not { } timeoutMs || _running)
            return null;
        _running = true;
        _lastActivityMs = nowMs;
        return TimeSpan.FromMilliseconds(timeoutMs);
    }

    /// <summary>
    /// At a check: true when the client has been idle for the whole timeout while the clock ran;
    /// otherwise <paramref name="checkAgainIn"/> says when to look again (null: the clock is stopped,
    /// and <see cref="Resume"/> will ask for a check).
    /// </summary>
    public bool IsExpired(long nowMs, out TimeSpan? checkAgainIn)
    {
        checkAgainIn = null;
        if (!_running || _timeoutMs is not { } timeoutMs)
            return false;
        var idleMs = nowMs - _lastActivityMs;
        if (idleMs >= timeoutMs)
            return true;
        checkAgainIn = TimeSpan.FromMilliseconds(timeoutMs - idleMs);
        return false;
    }
}
