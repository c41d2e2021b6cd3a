using System.Net;
using System.Text;
using ActorSockets.Server.Limiting;
using ActorSockets.Server.Sum;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Cluster.ClusterCountProtocol;
using static ActorSockets.Server.Limiting.LimiterProtocol;

namespace ActorSockets.Tests.Server.Limiting;

/// <summary>
/// The limiter in cluster mode with a <see cref="TestProbe"/> as the cluster's count (PROTOCOL.md
/// section 7): every newcomer hears its admission or <c>ERR busy</c>, however slow the count, and
/// always before Akka.IO's register timeout (5 s) would close its connection without a word.
/// The node is not joined: no member is up, so its share is the whole limit.
/// </summary>
public sealed class ClusterAdmissionSpecs(ITestOutputHelper output) : TestKit("""
    akka.loglevel = INFO
    akka.actor.provider = cluster
    akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
    """, output)
{
    /// <summary>Liveness bound for a decision: the count's wait (1 s) several times over, and under Akka.IO's register timeout.</summary>
    private static readonly TimeSpan Decided = TimeSpan.FromSeconds(4);

    private (IActorRef Limiter, TestProbe Count) StartLimiter(params string[] sets)
    {
        var count = CreateTestProbe();
        count.IgnoreMessages(message => message is NodeFigures);
        var limiter = Sys.ActorOf(LimiterActor.Props(TestSettings.Create(["timeout=off", .. sets]), SumService.Instance, clusterCount: count.Ref));
        // The count is reachable once it has answered: until then the node goes by its share at once.
        limiter.Tell(new ClusterFigures(new Dictionary<string, NodeTotals>()), count.Ref);
        return (limiter, count);
    }

    private static AdmitTcpClient Newcomer(TestProbe connection, int port) => new(connection.Ref, new IPEndPoint(IPAddress.Loopback, port));

    private static void ExpectRefusal(TestProbe connection, IActorRef limiter, string line)
    {
        Assert.Equal(limiter, connection.ExpectMsg<Tcp.Register>(Decided).Handler);
        Assert.Equal(line, connection.ExpectMsg<Tcp.Write>().Data.ToString(Encoding.UTF8));
        connection.ExpectMsg<Tcp.Close>();
    }

    [Fact]
    public void Newcomers_are_decided_on_the_nodes_share_when_the_count_never_answers()
    {
        var (limiter, count) = StartLimiter("clients-limit=2");
        var connections = Enumerable.Range(0, 3).Select(_ => CreateTestProbe()).ToList();
        for (var i = 0; i < connections.Count; i++)
        {
            limiter.Tell(Newcomer(connections[i], 2001 + i));
            count.ExpectMsg<ReservePlace>(); // asked, never answered
        }

        Assert.NotEqual(limiter, connections[0].ExpectMsg<Tcp.Register>(Decided).Handler);
        Assert.NotEqual(limiter, connections[1].ExpectMsg<Tcp.Register>(Decided).Handler);
        ExpectRefusal(connections[2], limiter, "ERR busy: clients limit 2 reached\n");
    }

    [Fact]
    public void The_counts_answer_decides_a_newcomer_and_a_place_granted_too_late_is_given_back()
    {
        var (limiter, count) = StartLimiter("clients-limit=2");
        var (denied, granted, late) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());

        limiter.Tell(Newcomer(denied, 2101));
        limiter.Tell(new PlaceDenied(count.ExpectMsg<ReservePlace>().Reservation), count.Ref);
        ExpectRefusal(denied, limiter, "ERR busy: clients limit 2 reached\n");

        limiter.Tell(Newcomer(granted, 2102));
        limiter.Tell(new PlaceReserved(count.ExpectMsg<ReservePlace>().Reservation), count.Ref);
        Assert.NotEqual(limiter, granted.ExpectMsg<Tcp.Register>(Decided).Handler);

        // The count answers after the wait: the newcomer was admitted on the node's share meanwhile,
        // so the place the count reserved for it is released, not kept twice.
        limiter.Tell(Newcomer(late, 2103));
        var reservation = count.ExpectMsg<ReservePlace>().Reservation;
        Assert.NotEqual(limiter, late.ExpectMsg<Tcp.Register>(Decided).Handler);
        limiter.Tell(new PlaceReserved(reservation), count.Ref);
        count.ExpectMsg<PlaceReleased>();
    }
}
