namespace ActorSockets.Server.Notes;

/// <summary>
/// Whether the notes store may write, in cluster mode: only while its node sees a majority of the
/// cluster (<see cref="StoreFence"/>). It says when the majority is lost (the store then stops
/// writing and lets the database go), and when the node has gone without one longer than the others
/// take to down it (a paused node on waking): it should leave at once. Plain state with the clock
/// passed in (<see cref="NodeClock"/> milliseconds).
/// </summary>
/// <remarks>
/// A pause shows in the watch's own clock too: it runs every 250 ms (the supervisor's timer, and
/// before every note), so a gap between two checks longer than the others take to down the node
/// means the process did not run that long. Its failure detector is not asked then: on waking it
/// may just have read the heartbeat replies that waited in the sockets through the pause, and count
/// every member as seen (found so by a ClusterProcessTests run: the woken store wrote notes).
/// </remarks>
internal sealed class MajorityWatch(StoreFence fence, long nowMs)
{
    private long _sawMajorityMs = nowMs;
    private long _checkedMs = nowMs;
    /// <summary>Told to leave: the store never writes again on this node.</summary>
    private bool _leaving;

    /// <summary>The node sees no majority: no note is written, and the database is let go.</summary>
    public bool Out { get; private set; }

    /// <param name="Sees">A majority is in sight: the store may write.</param>
    /// <param name="JustLost">This check found it lost: stop writing, let the database go.</param>
    /// <param name="Leave">No majority for longer than the others take to down this node: leave now (once).</param>
    /// <param name="SilentMs">How long the node has gone without a majority.</param>
    public readonly record struct Verdict(bool Sees, bool JustLost, bool Leave, int Seen, int Members, long SilentMs);

    public Verdict Check(long nowMs)
    {
        var (seen, members) = fence.SeenMembers();
        var paused = nowMs - _checkedMs > fence.DownedAfter.TotalMilliseconds;
        _checkedMs = nowMs;
        if (seen * 2 > members && !paused && !_leaving)
        {
            _sawMajorityMs = nowMs;
            return new Verdict(true, false, false, seen, members, 0);
        }
        var silent = nowMs - _sawMajorityMs;
        var leave = !_leaving && silent > fence.DownedAfter.TotalMilliseconds;
        _leaving |= leave;
        var justLost = !Out;
        Out = true;
        return new Verdict(false, justLost, leave, seen, members, silent);
    }

    /// <summary>A majority is in sight again and the store starts: writes may go on.</summary>
    public void Regained() => Out = false;
}
