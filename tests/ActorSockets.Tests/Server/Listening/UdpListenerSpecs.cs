using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorSockets.Server.Listening;
using ActorSockets.Tests.Support;
using Akka.IO;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Limiting.LimiterProtocol;

namespace ActorSockets.Tests.Server.Listening;

/// <summary>
/// The UDP listener's map from remote endpoint to session, on a real loopback socket, with probes
/// as the limiter and the sessions.
/// </summary>
public class UdpListenerSpecs(ITestOutputHelper output)
    : TestKit("akka.loglevel = INFO\nakka.io.udp.disabled-buffer-pool.buffer-size = 65536", output)
{
    [Fact]
    public async Task Listener_should_route_datagrams_by_endpoint_and_ask_the_limiter_only_for_new_ones()
    {
        var limiter = CreateTestProbe();
        var status = new ListenerStatus();
        Sys.ActorOf(UdpListenerActor.Props(TestSettings.Create("transport=udp", "port=0"), limiter.Ref, status));
        var server = (IPEndPoint)await status.Bound.WaitAsync(TimeSpan.FromSeconds(10));

        using var alice = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var bob = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var aliceEndPoint = (IPEndPoint)alice.Client.LocalEndPoint!;

        await alice.SendAsync("1 1\n"u8.ToArray(), server);
        var admit = limiter.ExpectMsg<AdmitUdpClient>();
        Assert.Equal(aliceEndPoint, admit.Remote);
        await alice.SendAsync("2 2"u8.ToArray(), server); // arrives while admission is pending: kept
        var session = CreateTestProbe();
        limiter.Reply(new UdpClientAdmitted(admit.Remote, session.Ref));
        Assert.Equal("1 1\n", session.ExpectMsg<Udp.Received>().Data.ToString(Encoding.UTF8));
        Assert.Equal("2 2", session.ExpectMsg<Udp.Received>().Data.ToString(Encoding.UTF8));

        await alice.SendAsync("3 3"u8.ToArray(), server);
        Assert.Equal("3 3", session.ExpectMsg<Udp.Received>().Data.ToString(Encoding.UTF8));
        limiter.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Empty datagrams open nothing and reach no one.
        await alice.SendAsync("\n"u8.ToArray(), server);
        await bob.SendAsync(Array.Empty<byte>(), server);
        session.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        limiter.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // Bob is over the limit: refused with the tag of his request.
        await bob.SendAsync("@b7 5 5"u8.ToArray(), server);
        var bobAdmit = limiter.ExpectMsg<AdmitUdpClient>();
        limiter.Reply(new UdpClientRefused(bobAdmit.Remote, "ERR busy: clients limit 1 reached"));
        var refusal = await bob.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("@b7 ERR busy: clients limit 1 reached\n", Encoding.UTF8.GetString(refusal.Buffer));

        // Alice's session ends: her next datagram asks the limiter again.
        Sys.Stop(session.Ref);
        await Task.Delay(200);
        await alice.SendAsync("4 4"u8.ToArray(), server);
        Assert.Equal(aliceEndPoint, limiter.ExpectMsg<AdmitUdpClient>().Remote);
    }
}
