namespace ActorSockets.Server.Notes;

/// <summary>
/// What the notes store asks before it writes, in cluster mode (<see cref="NotesStoreSupervisor"/>):
/// the members its node sees now and the members there are (it writes only while the first is a
/// majority of the second), and after how long without a majority the others have surely downed
/// its node and moved the store (their failure detection, their resolver's wait, the removal
/// margin). A node that has gone that long without a majority, as a paused process finds on waking,
/// leaves at once (exit 10) rather than hold the journal's connections until its own resolver
/// downs it. <paramref name="AnotherBoard"/> names a member whose journal holds another board than
/// this node's, if there is one: the store does not take the board over while there is (one board
/// per cluster; its node is about to leave).
/// </summary>
public sealed record StoreFence(Func<(int Seen, int Members)> SeenMembers, TimeSpan DownedAfter, Func<string?>? AnotherBoard = null);
