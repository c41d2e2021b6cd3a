using System.Net;
using ActorSockets.Server.Limiting;
using ActorSockets.Server.Sum;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Limiting.LimiterProtocol;
using static ActorSockets.Server.Sessions.SessionProtocol;

namespace ActorSockets.Tests.Server.Limiting;

/// <summary>
/// A newcomer over the cap waits a moment (<see cref="ActorSockets.Server.ServerTuning.PlaceWait"/>) for a
/// place that is being freed. Its clock is Akka's test scheduler, which moves only when told: with
/// the system's, a test thread held off the cores for longer than the wait (1.45 s in a CI run, on a
/// busy machine) saw the newcomer refused before the test could free the place.
/// </summary>
public sealed class LimiterPlaceWaitSpecs(ITestOutputHelper output)
    : TestKit("akka.loglevel = INFO\nakka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"", output)
{
    private static EndPoint Remote(int port) => new IPEndPoint(IPAddress.Loopback, port);

    [Fact]
    public void A_tcp_newcomer_over_the_cap_waits_for_a_place_that_is_being_freed_and_gets_it()
    {
        var limiter = Sys.ActorOf(LimiterActor.Props(TestSettings.Create(["timeout=off", "clients-limit=1"]), SumService.Instance));
        var (c1, c2) = (CreateTestProbe(), CreateTestProbe());
        limiter.Tell(new AdmitTcpClient(c1.Ref, Remote(1001)));
        var first = c1.ExpectMsg<Tcp.Register>().Handler;
        limiter.Tell(new AdmitTcpClient(c2.Ref, Remote(1002)));
        c2.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // neither admitted nor refused: waiting

        first.Tell(Tcp.PeerClosed.Instance, c1.Ref);
        c1.ExpectMsg<Tcp.Close>();
        first.Tell(Tcp.Closed.Instance, c1.Ref);
        var second = c2.ExpectMsg<Tcp.Register>().Handler;
        Assert.NotEqual(limiter, second); // admitted, not refused
        limiter.Tell(new StatsRequested(0));
        Assert.Equal(new StatsSnapshot(1, 1, 2, 0, 0, 0, 0), ExpectMsg<StatsSnapshot>());
    }
}
