using Akka.IO;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// How a TCP session writes, as plain state: one <see cref="Tcp.Write"/> in flight, acknowledged
/// before the next, with the replies gathered meanwhile sent together in the next write; reading
/// suspended while too much is owed to a client that does not read (Akka.IO's own write queue is
/// unbounded), so such a client costs bounded memory; and the close once everything is written.
/// The commands go to <paramref name="send"/> (the connection actor, or a list in a test).
/// It also tells whether writing has stalled: a write in flight that the client has not taken for a
/// whole bound (a zero receive window), which the session treats as idleness.
/// </summary>
/// <param name="clock">Milliseconds, monotonic (<see cref="IdleClock.Now"/> unless a test gives its own).</param>
public sealed class TcpWriter(Action<Tcp.Command> send, Tcp.Event writeAck, Func<long>? clock = null)
{
    private readonly Func<long> _now = clock ?? (() => IdleClock.Now);
    private int _bytesInFlight;
    /// <summary>When the write in flight was handed over: progress is each acknowledged write.</summary>
    private long _inFlightSinceMs;
    private bool _readingSuspended;
    private bool _closeSent;

    /// <summary>Nothing is in flight: what is written now goes out at once.</summary>
    public bool Idle => _bytesInFlight == 0;

    /// <summary>
    /// Hands what <paramref name="outgoing"/> gathered to the connection, unless a write is in
    /// flight. True when the connection has taken everything and nothing was waiting: a long reply
    /// may write its next part.
    /// </summary>
    public bool Flush(ReplyBuffer outgoing)
    {
        if (!Idle)
            return false;
        if (outgoing.WrittenCount == 0)
            return true;
        var bytes = ByteString.FromBytes(outgoing.WrittenSpan.ToArray());
        outgoing.Clear();
        _bytesInFlight = bytes.Count;
        _inFlightSinceMs = _now();
        send(Tcp.Write.Create(bytes, writeAck));
        return false;
    }

    /// <summary>The write in flight reached the kernel.</summary>
    public void Acknowledged() => _bytesInFlight = 0;

    /// <summary>True when a write has been in flight, unacknowledged, for <paramref name="bound"/> or longer.</summary>
    public bool IsStalled(TimeSpan bound) => _now() >= StallDueMs(bound);

    /// <summary>When the write in flight will have stalled if it is not taken by then; <see cref="long.MaxValue"/> with nothing in flight.</summary>
    public long StallDueMs(TimeSpan bound) => Idle ? long.MaxValue : _inFlightSinceMs + (long)bound.TotalMilliseconds;

    /// <summary>Suspends reading while more than the high water is owed or too many requests wait; resumes below.</summary>
    public void ThrottleReading(int bytesGathered, int requestsWaiting)
    {
        var suspend = _bytesInFlight + bytesGathered > ServerTuning.HighWaterBytes || requestsWaiting >= ServerTuning.MaxWaitingRequests;
        if (suspend != _readingSuspended)
        {
            _readingSuspended = suspend;
            send(suspend ? Tcp.SuspendReading.Instance : Tcp.ResumeReading.Instance);
        }
    }

    /// <summary>
    /// Reads again (the session drops what comes): closing a socket with unread data makes the kernel
    /// send a reset, which can overtake the last lines.
    /// </summary>
    public void DrainBeforeClosing()
    {
        if (!_readingSuspended)
            return;
        _readingSuspended = false;
        send(Tcp.ResumeReading.Instance);
    }

    /// <summary>
    /// Closes once everything is written, once. <paramref name="halfClose"/>: a FIN after the last
    /// byte, waiting for the client to close its side (so a client that reads gets everything and the
    /// end of the stream before the socket goes).
    /// </summary>
    public void CloseWhenWritten(bool halfClose)
    {
        if (!Idle || _closeSent)
            return;
        _closeSent = true;
        send(halfClose ? Tcp.ConfirmedClose.Instance : Tcp.Close.Instance);
    }
}
