using System.Buffers;
using System.Diagnostics;
using ActorSockets.Protocol;
using ActorSockets.Server.Services;
using ActorSockets.Server.Sessions;
using System.Net;
using System.Text;
using ActorSockets.Server;
using ActorSockets.Server.Limiting;
using ActorSockets.Server.Sum;
using ActorSockets.Tests.Support;
using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Limiting.LimiterProtocol;
using static ActorSockets.Server.Sessions.SessionProtocol;

namespace ActorSockets.Tests.Server.Limiting;

/// <summary>The limiter with real sessions as children and <see cref="TestProbe"/>s as their connections.</summary>
public class LimiterSpecs(ITestOutputHelper output) : TestKit("akka.loglevel = INFO", output)
{
    private IActorRef StartLimiter(params string[] sets) =>
        Sys.ActorOf(LimiterActor.Props(TestSettings.Create(["timeout=off", .. sets]), SumService.Instance));

    private static EndPoint Remote(int port) => new IPEndPoint(IPAddress.Loopback, port);

    /// <summary>Offers a connection; returns the handler it was registered with.</summary>
    private static IActorRef Offer(IActorRef limiter, TestProbe connection, int port)
    {
        limiter.Tell(new AdmitTcpClient(connection.Ref, Remote(port)));
        return connection.ExpectMsg<Tcp.Register>().Handler;
    }

    private string ExpectWriteAndAck(TestProbe connection, IActorRef session) => TcpSessionHarness.Of(this, connection, session).ExpectWriteAndAck();

    private StatsSnapshot Stats(IActorRef limiter)
    {
        limiter.Tell(new StatsRequested(0));
        return ExpectMsg<StatsSnapshot>();
    }

    private void AwaitClients(IActorRef limiter, int clients) =>
        AwaitAssert(() => Assert.Equal(clients, Stats(limiter).Clients), TimeSpan.FromSeconds(3));

    [Fact]
    public void Limiter_should_admit_up_to_the_cap_and_refuse_over_it_with_one_line()
    {
        var limiter = StartLimiter("clients-limit=2");
        var (c1, c2, c3) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Assert.NotEqual(limiter, Offer(limiter, c1, 1001));
        Assert.NotEqual(limiter, Offer(limiter, c2, 1002));

        Assert.Equal(limiter, Offer(limiter, c3, 1003)); // after waiting a moment for a place
        Assert.Equal("ERR busy: clients limit 2 reached\n", c3.ExpectMsg<Tcp.Write>().Data.ToString(Encoding.UTF8));
        c3.ExpectMsg<Tcp.Close>();
        Assert.Equal(new StatsSnapshot(2, 2, 2, 1, 0, 0, 0), Stats(limiter));
    }

    [Fact]
    public void Limiter_should_free_the_place_of_a_session_that_stopped()
    {
        var limiter = StartLimiter("clients-limit=1");
        var c1 = CreateTestProbe();
        var session = Offer(limiter, c1, 1001);
        session.Tell(new Tcp.Received(ByteString.FromString("QUIT\n")), c1.Ref);
        Assert.Equal("BYE quit\n", ExpectWriteAndAck(c1, session));
        c1.ExpectMsg<Tcp.Close>();
        session.Tell(Tcp.Closed.Instance, c1.Ref);
        AwaitClients(limiter, 0);

        var c2 = CreateTestProbe();
        Assert.NotEqual(limiter, Offer(limiter, c2, 1002));
        Assert.Equal(new StatsSnapshot(1, 1, 2, 0, 0, 0, 1), Stats(limiter));
    }

    [Fact]
    public void Limiter_should_stop_a_crashing_session_while_its_siblings_go_on()
    {
        var limiter = StartLimiter("clients-limit=3", "debug.crash-command=on");
        var (c1, c2) = (CreateTestProbe(), CreateTestProbe());
        var crashing = Offer(limiter, c1, 1001);
        var sibling = Offer(limiter, c2, 1002);
        Watch(crashing);

        crashing.Tell(new Tcp.Received(ByteString.FromString("CRASH\n")), c1.Ref);
        Assert.Equal("BYE crashed: internal error\n", c1.ExpectMsg<Tcp.Write>().Data.ToString(Encoding.UTF8));
        ExpectTerminated(crashing);

        sibling.Tell(new Tcp.Received(ByteString.FromString("20 22\n")), c2.Ref);
        Assert.Equal("42\n", ExpectWriteAndAck(c2, sibling));
        AwaitClients(limiter, 1);
        Assert.Equal(1, Stats(limiter).Crashes);
    }

    [Fact]
    public void Limiter_should_free_the_place_of_a_session_whose_actor_failed_to_start()
    {
        // A session that throws in its constructor never runs its PostStop, so it never says that it
        // ended: only its stop, which the limiter learns from its supervisor strategy, frees the place.
        var limiter = Sys.ActorOf(LimiterActor.Props(TestSettings.Create(["timeout=off", "clients-limit=1"]), new FailingToOpenService()));
        var c1 = CreateTestProbe();
        EventFilter.Exception<ActorInitializationException>().ExpectOne(() => limiter.Tell(new AdmitTcpClient(c1.Ref, Remote(1001))));
        c1.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // never registered: its actor does not exist
        AwaitClients(limiter, 0);
        Assert.Equal(1, Stats(limiter).Crashes);

        // The place is free: a newcomer is not refused (its session fails too, but it gets one).
        var c2 = CreateTestProbe();
        EventFilter.Exception<ActorInitializationException>().ExpectOne(() => limiter.Tell(new AdmitTcpClient(c2.Ref, Remote(1002))));
        c2.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        AwaitAssert(() => Assert.Equal(2, Stats(limiter).Crashes), TimeSpan.FromSeconds(3));
        Assert.Equal(0, Stats(limiter).Refused);
    }

    /// <summary>A service whose sessions cannot be opened: a session actor's constructor throws.</summary>
    private sealed class FailingToOpenService : IService
    {
        public IReadOnlyList<string> HelpLines => [];
        public IServiceSession Open(ServiceContext context) => throw new InvalidOperationException("cannot open");
    }

    [Fact]
    public void Limiter_should_count_a_timed_out_session_and_free_its_place()
    {
        var limiter = StartLimiter("clients-limit=1", "timeout=200ms");
        var c1 = CreateTestProbe();
        var session = Offer(limiter, c1, 1001);
        var bye = c1.ExpectMsg<Tcp.Write>(TimeSpan.FromSeconds(3));
        Assert.Equal("BYE timeout: idle for 200ms\n", bye.Data.ToString(Encoding.UTF8));
        session.Tell(bye.Ack, c1.Ref);
        c1.ExpectMsg<Tcp.Close>();
        session.Tell(Tcp.Closed.Instance, c1.Ref);
        AwaitClients(limiter, 0);
        Assert.Equal(1, Stats(limiter).Timeouts);
    }

    [Fact]
    public void Limiter_should_leave_a_busy_session_alone_and_time_it_out_once_it_goes_quiet()
    {
        // The limiter asks a session to look at its idle clock only once the time it last gave has
        // passed; the session judges. Requests every 200 ms for 2.4 s against a 1.5 s timeout: the first
        // look comes 1.5 s after the admission, while the client is busy, and must not end it. (The
        // timeout leaves room for a test thread that a loaded machine keeps waiting.)
        var limiter = StartLimiter("timeout=1500ms");
        var c1 = CreateTestProbe();
        var session = Offer(limiter, c1, 1001);
        var harness = TcpSessionHarness.Of(this, c1, session);
        var sinceLastRequest = Stopwatch.StartNew();
        for (var i = 0; i < 12; i++)
        {
            var quietBefore = sinceLastRequest.Elapsed;
            sinceLastRequest.Restart();
            harness.Send("1 1\n");
            var reply = harness.ExpectWriteAndAck();
            if (reply != "2\n")
            {
                // Only a machine that kept this thread from sending for a whole timeout (it happened
                // once in CI: a run that took 4 s instead of 2.6) may see the BYE here: then the
                // client was idle indeed. A busy client timed out fails on the time since its last request.
                Assert.Equal("BYE timeout: idle for 1500ms\n", reply);
                Assert.True(quietBefore >= TimeSpan.FromMilliseconds(1300), $"timed out while busy: its last request {quietBefore.TotalMilliseconds:F0} ms before");
                return;
            }
            c1.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        }
        var quietSince = DateTime.UtcNow;
        var bye = c1.ExpectMsg<Tcp.Write>(TimeSpan.FromSeconds(6));
        Assert.Equal("BYE timeout: idle for 1500ms\n", bye.Data.ToString(Encoding.UTF8));
        Assert.True(DateTime.UtcNow - quietSince >= TimeSpan.FromMilliseconds(1300), "timed out before a whole timeout of quiet");
    }

    [Fact]
    public void Limiter_should_look_at_an_awaited_answer_when_it_is_overdue_even_with_the_idle_timeout_off()
    {
        // A session holds no timer for the service's answer: it tells the limiter when the answer is
        // overdue, and the limiter's sweep, armed by that alone (no idle timeout here), asks it to look.
        var limiter = Sys.ActorOf(LimiterActor.Props(TestSettings.Create(["timeout=off"]), SilentService.Instance));
        var c1 = CreateTestProbe();
        var harness = TcpSessionHarness.Of(this, c1, Offer(limiter, c1, 1001));
        harness.Send("anything\n");
        c1.ExpectNoMsg(ServerTuning.ServiceTimeout - TimeSpan.FromMilliseconds(500)); // never before its time
        Assert.Equal("ERR storage: no answer\n", harness.ExpectWriteAndAck(ServerTuning.ServiceTimeout)); // about 0.5 s late at most; a busy machine gets more
    }

    /// <summary>A service that never answers: every request waits until the session gives up on it.</summary>
    private sealed class SilentService : IService, IServiceSession
    {
        public static readonly SilentService Instance = new();
        public IReadOnlyList<string> HelpLines => [];
        public IServiceSession Open(ServiceContext context) => this;
        public ServiceStep Handle(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body, IBufferWriter<byte> reply) => ServiceStep.Pending;
        public ServiceStep Continue(object message, IBufferWriter<byte> reply) => ServiceStep.NotMine;
        public ServiceStep Resume(IBufferWriter<byte> reply) => ServiceStep.Complete;

        public bool Abandon(IBufferWriter<byte> reply)
        {
            Replies.WriteLine(reply, default, "ERR storage: no answer");
            return false;
        }
    }

    /// <summary>
    /// Admits a UDP endpoint and has its session hear <paramref name="datagrams"/> datagrams, the last
    /// tagged with the endpoint's cookie when <paramref name="proven"/> (as our client does after STATS).
    /// </summary>
    private IActorRef AdmitUdp(IActorRef limiter, TestProbe socket, int port, int datagrams, bool proven = false)
    {
        limiter.Tell(new AdmitUdpClient(Remote(port), socket.Ref, TestActor));
        var session = ExpectMsg<UdpClientAdmitted>(a => Assert.Equal(Remote(port), a.Remote)).Session;
        for (var i = 0; i < datagrams; i++)
        {
            var request = proven && i == datagrams - 1 ? $"@{UdpCookie.For(Remote(port))}-1 PING" : "PING";
            session.Tell(new Udp.Received(ByteString.FromString(request), Remote(port)), socket.Ref);
            socket.ExpectMsg<Udp.Send>();
        }
        return session;
    }

    [Fact]
    public void Limiter_should_admit_udp_endpoints_and_refuse_one_over_the_cap_after_waiting_for_a_place()
    {
        var limiter = StartLimiter("clients-limit=1", "transport=udp");
        var socket = CreateTestProbe();
        AdmitUdp(limiter, socket, 1001, datagrams: 2, proven: true); // a real client: it echoed its cookie
        limiter.Tell(new AdmitUdpClient(Remote(1002), socket.Ref, TestActor));
        // After waiting a moment for a place (LimiterPlaceWaitSpecs shows the wait by what frees it).
        Assert.Equal(new UdpClientRefused(Remote(1002), "ERR busy: clients limit 1 reached"),
            ExpectMsg<UdpClientRefused>(ServerTuning.PlaceWait + TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Limiter_should_give_a_udp_newcomer_the_place_of_an_endpoint_that_never_proved_it_receives()
    {
        var limiter = StartLimiter("clients-limit=2", "transport=udp");
        var socket = CreateTestProbe();
        var spoofed = AdmitUdp(limiter, socket, 1001, datagrams: 2); // a forger needs no reply to send two
        var real = AdmitUdp(limiter, socket, 1002, datagrams: 2, proven: true);
        var watcher = CreateTestProbe();
        watcher.Watch(spoofed);

        var newcomer = AdmitUdp(limiter, socket, 1003, datagrams: 0);
        watcher.ExpectTerminated(spoofed);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // not a word to a possibly spoofed address
        Assert.Equal(2, Stats(limiter).Clients);

        // The real client keeps its place: a fourth endpoint takes the newcomer's (one datagram: none yet).
        AdmitUdp(limiter, socket, 1004, datagrams: 0);
        real.Tell(new Udp.Received(ByteString.FromString("PING"), Remote(1002)), socket.Ref);
        Assert.Equal(Remote(1002), socket.ExpectMsg<Udp.Send>().Target);
        _ = newcomer;
    }

    [Fact]
    public void Limiter_should_refuse_a_udp_newcomer_with_bye_shutdown_while_stopping()
    {
        var limiter = StartLimiter("clients-limit=5", "transport=udp");
        limiter.Tell(StopAllSessions.Instance);
        ExpectMsg<Done>();
        limiter.Tell(new AdmitUdpClient(Remote(1001), CreateTestProbe().Ref, TestActor));
        Assert.Equal(new UdpClientRefused(Remote(1001), "BYE shutdown: server stopping"), ExpectMsg<UdpClientRefused>());
    }

    [Fact]
    public void Limiter_should_say_bye_to_every_session_on_shutdown_then_report_done_and_refuse_newcomers()
    {
        var limiter = StartLimiter("clients-limit=5");
        var probes = new[] { CreateTestProbe(), CreateTestProbe() };
        var sessions = probes.Select((p, i) => Offer(limiter, p, 1001 + i)).ToArray();

        limiter.Tell(StopAllSessions.Instance);
        for (var i = 0; i < probes.Length; i++)
        {
            Assert.Equal("BYE shutdown: server stopping\n", ExpectWriteAndAck(probes[i], sessions[i]));
            probes[i].ExpectMsg<Tcp.ConfirmedClose>(); // half-close after the BYE: the client reads it all, then the end
            sessions[i].Tell(Tcp.ConfirmedClosed.Instance, probes[i].Ref);
        }
        ExpectMsg<Done>();

        var late = CreateTestProbe();
        Assert.Equal(limiter, Offer(limiter, late, 1009));
        Assert.Equal("BYE shutdown: server stopping\n", late.ExpectMsg<Tcp.Write>().Data.ToString(Encoding.UTF8));
    }

    [Fact]
    public void Limiter_should_add_up_requests_reported_by_sessions()
    {
        var limiter = StartLimiter();
        var c1 = CreateTestProbe();
        var session = Offer(limiter, c1, 1001);
        session.Tell(new Tcp.Received(ByteString.FromString("1 1\n2 2\n")), c1.Ref);
        ExpectWriteAndAck(c1, session);
        // Sessions report in batches, at most a second late.
        AwaitAssert(() => Assert.Equal(2, Stats(limiter).Requests), TimeSpan.FromSeconds(3));
    }
}
