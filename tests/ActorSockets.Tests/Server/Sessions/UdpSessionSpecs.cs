using System.Net;
using ActorSockets.Server;
using ActorSockets.Server.Notes;
using ActorSockets.Server.Sessions;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Server.Sessions;

/// <summary>The UDP session, with probes as its socket and the notes store.</summary>
public class UdpSessionSpecs(ITestOutputHelper output) : TestKit("akka.loglevel = INFO", output)
{
    private static readonly EndPoint Client = new IPEndPoint(IPAddress.Loopback, 40000);

    [Fact]
    public void Requests_that_arrive_while_an_answer_is_awaited_wait_up_to_the_bound_and_the_rest_are_dropped()
    {
        var socket = CreateTestProbe();
        var store = CreateTestProbe();
        var info = new SessionInfo(1, Client, TestSettings.Create("service=notes", "transport=udp", "timeout=off"), new NotesService(store.Ref, NodeClock.Of(Sys)));
        var session = Sys.ActorOf(UdpSessionActor.Props(info, socket.Ref));

        session.Tell(new Udp.Received(ByteString.FromString("POST held"), Client), socket.Ref);
        var post = store.ExpectMsg<StoreNote>();
        const int flood = ServerTuning.MaxWaitingRequests + 150;
        for (var i = 0; i < flood; i++)
            session.Tell(new Udp.Received(ByteString.FromString("PING"), Client), socket.Ref);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // nothing is answered before the POST

        post.ReplyTo.Tell(new NoteStored(1, post.Correlation));
        Assert.Equal("OK 1\n", socket.ExpectMsg<Udp.Send>().Payload.ToString());
        var pongs = socket.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => ((Udp.Send)m).Payload.ToString(), msgs: flood);
        Assert.Equal(ServerTuning.MaxWaitingRequests, pongs.Count); // the bound held; the rest were dropped, as UDP may
        Assert.All(pongs, pong => Assert.Equal("PONG\n", pong));
    }
}
