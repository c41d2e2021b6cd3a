using System.Net;
using ActorSockets.Server.Limiting;
using ActorSockets.Server.Sessions;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorSockets.Tests.Server.Limiting;

/// <summary>The limiter's record of its sessions: gone once, the silent UDP session to evict, the newest for the live view.</summary>
public sealed class SessionTableTests : TestKit
{
    private static SessionRecord Record(long id, bool udp, long lastActivityMs, long nextTimeoutCheckMs = long.MaxValue) =>
        new(id, new IPEndPoint(IPAddress.Loopback, 40_000 + (int)id), udp, Proven: false, Ended: false, Requests: 0, lastActivityMs, new SessionGauge(),
            nextTimeoutCheckMs);

    private IActorRef Add(SessionTable table, SessionRecord record)
    {
        var session = CreateTestProbe().Ref;
        table.Add(session, record);
        return session;
    }

    [Fact]
    public void A_session_is_gone_once_and_leaves_the_table_when_its_actor_stops()
    {
        var table = new SessionTable();
        var session = Add(table, Record(1, udp: false, 0));
        Assert.Equal(1, table.MarkEnded(session)?.Id);
        Assert.Null(table.MarkEnded(session)); // said again: counted once
        Assert.True(table.Remove(session)?.Ended);
        Assert.Null(table.Remove(session));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void The_silent_udp_session_is_the_least_recently_active_one_that_never_proved_itself()
    {
        var table = new SessionTable();
        Add(table, Record(1, udp: false, lastActivityMs: 0));        // TCP: never evicted
        var proven = Add(table, Record(2, udp: true, lastActivityMs: 10));
        table.MarkProven(proven);
        var older = Add(table, Record(3, udp: true, lastActivityMs: 20));
        var newer = Add(table, Record(4, udp: true, lastActivityMs: 30));
        Assert.Equal(older, table.SilentUdpSession());
        table.Served(older, new SessionProtocol.RequestsServed(1, long.MaxValue), nowMs: 40);                 // active again: now the newest
        Assert.Equal(newer, table.SilentUdpSession());
        table.MarkEnded(newer);
        Assert.Equal(older, table.SilentUdpSession());
        table.MarkEnded(older);
        Assert.Null(table.SilentUdpSession());
    }

    [Fact]
    public void The_newest_sessions_come_first_with_their_requests()
    {
        var table = new SessionTable();
        var first = Add(table, Record(1, udp: false, 0));
        Add(table, Record(2, udp: false, 0));
        Add(table, Record(3, udp: true, 0));
        table.Served(first, new SessionProtocol.RequestsServed(5, long.MaxValue), nowMs: 100);
        Assert.Equal([3L, 2L], table.Newest(2).Select(line => line.Id));
        Assert.Equal((5L, 100L), table.Newest(3).Single(line => line.Id == 1) is var line ? (line.Requests, line.LastActivityMs) : default);
    }

    [Fact]
    public void A_session_is_asked_to_look_at_its_timeouts_once_its_time_has_passed_and_once_until_it_answers()
    {
        var table = new SessionTable();
        var idle = Add(table, Record(1, udp: false, 0, nextTimeoutCheckMs: 1_000));
        var busy = Add(table, Record(2, udp: false, 0, nextTimeoutCheckMs: 1_500));
        var gone = Add(table, Record(3, udp: true, 0, nextTimeoutCheckMs: 0));
        table.MarkEnded(gone);
        var due = new List<IActorRef>();

        table.TakeTimeoutChecksDue(999, due);
        Assert.Empty(due);
        table.TakeTimeoutChecksDue(1_000, due);
        Assert.Equal([idle], due); // not the one whose client has gone
        due.Clear();
        table.Served(busy, new SessionProtocol.RequestsServed(3, NextTimeoutCheckMs: 9_000), nowMs: 1_200); // a report moves its time on
        table.TakeTimeoutChecksDue(2_000, due);
        Assert.Empty(due); // the idle one was asked already: not again before it answers
        table.TimeoutCheckDue(idle, 2_500);
        table.TakeTimeoutChecksDue(3_000, due);
        Assert.Equal([idle], due);
    }
}
