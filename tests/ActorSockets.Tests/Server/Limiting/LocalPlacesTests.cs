using System.Net;
using ActorSockets.Server;
using ActorSockets.Server.Limiting;
using Akka.Actor;
using static ActorSockets.Server.Limiting.LimiterProtocol;

namespace ActorSockets.Tests.Server.Limiting;

/// <summary>The clients limit of a single server, with the clock passed in: a place, a moment's wait for one, a silent UDP session's place, or a refusal.</summary>
public sealed class LocalPlacesTests
{
    private static readonly long Wait = (long)ServerTuning.PlaceWait.TotalMilliseconds;
    private static AdmitTcpClient Tcp(int port) => new(ActorRefs.Nobody, new IPEndPoint(IPAddress.Loopback, port));
    private static AdmitUdpClient Udp(int port) => new(new IPEndPoint(IPAddress.Loopback, port), ActorRefs.Nobody, ActorRefs.Nobody);

    [Fact]
    public void Under_the_cap_a_newcomer_is_admitted_and_at_it_waits_a_moment_then_is_overdue()
    {
        var places = new LocalPlaces(limit: 2);
        Assert.Equal(PlaceDecision.Admit, places.Decide(Tcp(1), clients: 1, () => false, nowMs: 0));
        var waiting = Tcp(2);
        Assert.Equal(PlaceDecision.Wait, places.Decide(waiting, clients: 2, () => false, nowMs: 0));
        Assert.Empty(places.Waiting.TakeOverdue(Wait - 1));
        Assert.Equal([waiting], places.Waiting.TakeOverdue(Wait));
    }

    [Fact]
    public void A_place_freed_goes_to_the_longest_waiting_and_no_more_than_the_places_free()
    {
        var places = new LocalPlaces(limit: 2);
        var (first, second, third) = (Tcp(1), Tcp(2), Tcp(3));
        foreach (var admit in new[] { first, second, third })
            places.Decide(admit, clients: 2, () => false, nowMs: 0);
        Assert.Empty(places.TakeAdmissible(clients: 2));
        Assert.Equal([first], places.TakeAdmissible(clients: 1));
        Assert.Equal([second, third], places.TakeAdmissible(clients: 0));
    }

    [Fact]
    public void At_the_cap_a_udp_newcomer_takes_a_silent_sessions_place_and_a_tcp_one_never_asks()
    {
        var places = new LocalPlaces(limit: 1);
        var asked = 0;
        bool Silent() { asked++; return true; }
        Assert.Equal(PlaceDecision.EvictSilentUdpSession, places.Decide(Udp(1), clients: 1, Silent, nowMs: 0));
        Assert.Equal(PlaceDecision.Wait, places.Decide(Tcp(2), clients: 1, Silent, nowMs: 0));
        Assert.Equal(PlaceDecision.Admit, places.Decide(Udp(3), clients: 0, Silent, nowMs: 0));
        Assert.Equal(1, asked);
        Assert.Equal(PlaceDecision.Wait, places.Decide(Udp(4), clients: 1, () => false, nowMs: 0));
    }

    [Fact]
    public void Past_the_bound_of_those_waiting_a_newcomer_is_refused_at_once()
    {
        var places = new LocalPlaces(limit: 1);
        for (var i = 0; i < ServerTuning.MaxWaitingForPlace; i++)
            Assert.Equal(PlaceDecision.Wait, places.Decide(Tcp(i), clients: 1, () => false, nowMs: 0));
        Assert.Equal(PlaceDecision.Refuse, places.Decide(Tcp(65_000), clients: 1, () => false, nowMs: 0));
    }

    [Theory]
    [InlineData(6, 3, 1, PlaceDecision.Admit)]
    [InlineData(6, 3, 2, PlaceDecision.Refuse)]
    [InlineData(6, 0, 5, PlaceDecision.Admit)] // not joined: the whole limit
    [InlineData(2, 3, 0, PlaceDecision.Admit)] // a share is never under one place
    public void Without_the_count_a_node_admits_up_to_its_even_share(int limit, int nodesUp, int clients, PlaceDecision expected) =>
        Assert.Equal(expected, ClusterPlaces.DecideOnShare(Tcp(1), clients, limit, nodesUp, () => true));

    [Fact]
    public void Over_the_clusters_limit_only_a_udp_newcomer_may_take_a_silent_sessions_place()
    {
        Assert.Equal(PlaceDecision.EvictSilentUdpSession, ClusterPlaces.OverLimit(Udp(1), () => true));
        Assert.Equal(PlaceDecision.Refuse, ClusterPlaces.OverLimit(Udp(1), () => false));
        Assert.Equal(PlaceDecision.Refuse, ClusterPlaces.OverLimit(Tcp(1), () => true));
    }
}
