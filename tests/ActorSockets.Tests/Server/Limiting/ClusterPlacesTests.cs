using System.Net;
using ActorSockets.Server;
using ActorSockets.Server.Limiting;
using Akka.TestKit.Xunit2;
using static ActorSockets.Server.Cluster.ClusterCountProtocol;
using static ActorSockets.Server.Limiting.LimiterProtocol;

namespace ActorSockets.Tests.Server.Limiting;

/// <summary>The limiter's side of the cluster's count, with the clock passed in and probes for the count and the limiter.</summary>
public sealed class ClusterPlacesTests : TestKit
{
    private const string Node = "akka.tcp://ActorSockets@10.0.0.11:4053";
    private static readonly long Interval = (long)ServerTuning.ClusterFiguresInterval.TotalMilliseconds;

    private static AdmitTcpClient Newcomer(int port) => new(Akka.Actor.ActorRefs.Nobody, new IPEndPoint(IPAddress.Loopback, port));

    [Fact]
    public void The_count_is_reachable_for_two_report_periods_after_it_last_answered()
    {
        var places = new ClusterPlaces(CreateTestProbe().Ref, Node, TestActor);
        Assert.False(places.Reachable(nowMs: 0));
        places.Heard(new ClusterFigures(new Dictionary<string, NodeTotals>()), nowMs: 10_000);
        Assert.True(places.Reachable(10_000 + 2 * Interval));
        Assert.False(places.Reachable(10_000 + 2 * Interval + 1));
    }

    [Fact]
    public void A_reservation_is_answered_once_and_one_left_unanswered_makes_the_count_unreachable()
    {
        var count = CreateTestProbe();
        var places = new ClusterPlaces(count.Ref, Node, TestActor);
        var (first, second) = (Newcomer(1), Newcomer(2));
        places.Reserve(first, nowMs: 1_000);
        places.Reserve(second, nowMs: 1_000);
        var ask = count.ExpectMsg<ReservePlace>();
        Assert.Equal((Node, TestActor), (ask.Node, ask.ReplyTo));
        var secondAsk = count.ExpectMsg<ReservePlace>();
        Assert.Equal(2, places.Waiting.Count);

        Assert.Same(first, places.Answered(ask.Reservation, nowMs: 1_100));
        Assert.Null(places.Answered(ask.Reservation, nowMs: 1_100));
        Assert.True(places.Reachable(nowMs: 1_100));

        var due = 1_000 + (long)ServerTuning.ClusterCountWait.TotalMilliseconds;
        Assert.Empty(places.TakeOverdue(nowMs: due - 1));
        Assert.Equal([second], places.TakeOverdue(nowMs: due));
        Assert.False(places.Reachable(nowMs: due));
        Assert.Null(places.Answered(secondAsk.Reservation, nowMs: due + 1)); // too late: the caller gives the place back
    }

    [Fact]
    public void The_others_figures_leave_this_nodes_own_out()
    {
        var places = new ClusterPlaces(CreateTestProbe().Ref, Node, TestActor);
        places.Heard(new ClusterFigures(new Dictionary<string, NodeTotals>
        {
            [Node] = new(5, 5, 0, 0, 0, 50),
            ["akka.tcp://ActorSockets@10.0.0.12:4053"] = new(2, 3, 1, 0, 0, 7),
            ["akka.tcp://ActorSockets@10.0.0.13:4053"] = new(1, 1, 0, 1, 0, 2),
        }), nowMs: 0);
        Assert.Equal(new NodeTotals(3, 4, 1, 1, 0, 9), places.Others());
    }
}
