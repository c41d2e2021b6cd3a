using System.Net;
using ActorSockets.Server.Sessions;
using Akka.Actor;
using static ActorSockets.Server.Limiting.PictureProtocol;

namespace ActorSockets.Server.Limiting;

/// <param name="Proven">UDP: the endpoint echoed its cookie (<see cref="UdpCookie"/>): it receives at its address.</param>
/// <param name="Ended">The session has ended (its client is gone, its place free); the actor may still be finishing.</param>
/// <param name="Requests">Requests the session has reported (it reports at most once a second), for the live view.</param>
/// <param name="LastActivityMs">When it last reported requests, or was admitted: the live view's idle clock, to the second.</param>
/// <param name="Gauge">What the session says of itself without a message (waiting for its service), for the live view.</param>
/// <param name="NextTimeoutCheckMs">When to look at its timeouts next, as it last said (<see cref="SessionProtocol.NextTimeoutCheck"/>); <see cref="long.MaxValue"/>: never, or a look is under way.</param>
internal sealed record SessionRecord(long Id, EndPoint Remote, bool Udp, bool Proven, bool Ended, long Requests, long LastActivityMs, SessionGauge Gauge,
    long NextTimeoutCheckMs);

/// <summary>
/// The limiter's record of every session actor still alive, including those whose client has gone:
/// what UDP eviction and the live view read. Plain state, owned by the limiter actor.
/// </summary>
internal sealed class SessionTable
{
    private readonly Dictionary<IActorRef, SessionRecord> _records = [];

    public int Count => _records.Count;

    public IEnumerable<IActorRef> Sessions => _records.Keys;

    public void Add(IActorRef session, SessionRecord record) => _records.Add(session, record);

    public bool Contains(IActorRef session) => _records.ContainsKey(session);

    public void MarkProven(IActorRef session) => Change(session, record => record with { Proven = true });

    public void Served(IActorRef session, SessionProtocol.RequestsServed served, long nowMs) =>
        Change(session, record => record with
        {
            Requests = record.Requests + served.Count, LastActivityMs = nowMs, NextTimeoutCheckMs = served.NextTimeoutCheckMs,
        });

    public void TimeoutCheckDue(IActorRef session, long dueMs) => Change(session, record => record with { NextTimeoutCheckMs = dueMs });

    /// <summary>
    /// The sessions whose timeouts are due for a look at <paramref name="nowMs"/>, into
    /// <paramref name="due"/>; each is marked as looked at until it answers (or reports) again.
    /// </summary>
    public void TakeTimeoutChecksDue(long nowMs, List<IActorRef> due)
    {
        foreach (var (session, record) in _records)
        {
            if (!record.Ended && record.NextTimeoutCheckMs <= nowMs)
                due.Add(session);
        }
        foreach (var session in due)
            TimeoutCheckDue(session, long.MaxValue);
    }

    /// <summary>The session's client has gone: its record, the first time only (a session may say so twice).</summary>
    public SessionRecord? MarkEnded(IActorRef session)
    {
        if (!_records.TryGetValue(session, out var record) || record.Ended)
            return null;
        _records[session] = record with { Ended = true };
        return record;
    }

    /// <summary>The session's actor has stopped: its record leaves the table.</summary>
    public SessionRecord? Remove(IActorRef session) => _records.Remove(session, out var record) ? record : null;

    /// <summary>
    /// Over UDP at the cap: the least recently active session whose endpoint has not proven that it
    /// receives at its address (a forged source never can); the oldest first on a tie. Null when none.
    /// </summary>
    public IActorRef? SilentUdpSession()
    {
        KeyValuePair<IActorRef, SessionRecord>? oldest = null;
        foreach (var entry in _records)
        {
            if (entry.Value is { Udp: true, Proven: false, Ended: false }
                && (oldest is null || entry.Value.LastActivityMs < oldest.Value.Value.LastActivityMs
                    || (entry.Value.LastActivityMs == oldest.Value.Value.LastActivityMs && entry.Value.Id < oldest.Value.Value.Id)))
                oldest = entry;
        }
        return oldest?.Key;
    }

    /// <summary>The newest <paramref name="count"/> sessions, newest first, for the live view.</summary>
    public List<SessionLine> Newest(int count) =>
        [.. _records.Values.OrderByDescending(record => record.Id).Take(count)
            .Select(record => new SessionLine(record.Id, record.Remote.ToString() ?? "", record.Ended, record.Requests,
                record.LastActivityMs, record.Gauge.AwaitingService))];

    private void Change(IActorRef session, Func<SessionRecord, SessionRecord> change)
    {
        if (_records.TryGetValue(session, out var record))
            _records[session] = change(record);
    }
}
