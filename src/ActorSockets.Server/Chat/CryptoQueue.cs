namespace ActorSockets.Server.Chat;

/// <summary>
/// Which chat crypto job runs next, as plain state (no actor, the clock passed in). Two queues:
/// established chats' messages first, new handshakes after them, so a crowd of handshakes never
/// delays a chat under way. A new handshake is refused while more work waits than the workers can
/// finish within <paramref name="bound"/> (its owner hears <c>ERR busy</c> at once instead of a
/// timeout later). A job whose session has given up on it (past its deadline) is dropped, not run.
/// </summary>
/// <remarks>
/// What "can finish" means is measured, not guessed: the average time of the jobs run so far (an
/// exponentially weighted mean), times the jobs waiting, over the workers.
/// </remarks>
public sealed class CryptoQueue<T>(int workers, TimeSpan bound)
{
    /// <summary>A first guess, before any job has run: an RSA private-key operation of a 4096-bit key.</summary>
    private const double FirstGuessMs = 10;

    private readonly Queue<(T Job, long NotAfterMs)> _established = new();
    private readonly Queue<(T Job, long NotAfterMs)> _handshakes = new();
    private readonly double _boundMs = bound.TotalMilliseconds;
    private double _averageMs = FirstGuessMs;

    public int Waiting => _established.Count + _handshakes.Count;

    /// <summary>Jobs dropped because their session had given up before a worker was free.</summary>
    public long Dropped { get; private set; }

    /// <summary>The mean time of a job, as measured so far.</summary>
    public TimeSpan AverageJob => TimeSpan.FromMilliseconds(_averageMs);

    /// <summary>
    /// Queues a job of an established chat (always: each chat has at most one job at a time, so these
    /// are bounded by the clients limit), or a handshake if it could still finish within the bound.
    /// </summary>
    public bool TryAdd(T job, bool handshake, long notAfterMs)
    {
        if (!handshake)
        {
            _established.Enqueue((job, notAfterMs));
            return true;
        }
        // Everything already waiting runs first; this one must still finish within the bound.
        if ((Waiting + 1) * _averageMs / workers > _boundMs)
            return false;
        _handshakes.Enqueue((job, notAfterMs));
        return true;
    }

    /// <summary>The next job to run, established chats first; jobs past their deadline are dropped on the way.</summary>
    public bool TryTake(long nowMs, out T job)
    {
        while (TryDequeue(out var next))
        {
            if (next.NotAfterMs >= nowMs)
            {
                job = next.Job;
                return true;
            }
            Dropped++;
        }
        job = default!;
        return false;
    }

    /// <summary>A job ran for <paramref name="elapsedMs"/>: the mean moves an eighth of the way to it.</summary>
    public void Ran(double elapsedMs) => _averageMs += (elapsedMs - _averageMs) / 8;

    private bool TryDequeue(out (T Job, long NotAfterMs) next) =>
        _established.TryDequeue(out next) || _handshakes.TryDequeue(out next);
}
