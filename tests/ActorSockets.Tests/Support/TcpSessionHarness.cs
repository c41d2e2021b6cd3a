using System.Text;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using ActorSockets.Server.Sessions;

namespace ActorSockets.Tests.Support;

/// <summary>
/// A TCP session actor with a <see cref="TestProbe"/> as its Akka.IO connection: what every session
/// spec does to it (send bytes, take a write and acknowledge it as the connection would, see it
/// close and stop), in one place.
/// </summary>
internal sealed class TcpSessionHarness(TestKitBase kit, TestProbe connection, IActorRef session)
{
    private ICancelable? _sweep;

    public TestProbe Connection { get; } = connection;

    public IActorRef Session { get; } = session;

    /// <summary>Starts the session from <paramref name="props"/> as a child of <paramref name="parent"/> (stopped, never restarted, as the limiter does) and expects its <see cref="Tcp.Register"/>.</summary>
    public static TcpSessionHarness Start(TestKitBase kit, Func<IActorRef, Props> props, TestProbe parent)
    {
        var connection = kit.CreateTestProbe();
        var session = parent.ChildActorOf(props(connection.Ref), "session-1", new OneForOneStrategy(_ => Directive.Stop));
        connection.ExpectMsg<Tcp.Register>(register => Assert.Equal(session, register.Handler));
        return new TcpSessionHarness(kit, connection, session);
    }

    /// <summary>A session someone else started (the limiter, a spec of its own): its connection probe and the session.</summary>
    public static TcpSessionHarness Of(TestKitBase kit, TestProbe connection, IActorRef session) => new(kit, connection, session);

    /// <summary>
    /// Stands in for the limiter's timeout sweep: asks the session to look at its timeouts every
    /// 100 ms, due or not (a sweep may ask early: the session alone judges). Its answers go to the parent.
    /// </summary>
    public void SweepTimeouts() =>
        _sweep = kit.Sys.Scheduler.ScheduleTellRepeatedlyCancelable(TimeSpan.Zero, TimeSpan.FromMilliseconds(100), Session,
            SessionProtocol.CheckTimeouts.Instance, ActorRefs.NoSender);

    public void Send(string data) => Session.Tell(new Tcp.Received(ByteString.FromString(data)), Connection.Ref);

    /// <summary>Expects one write, returns its text and acknowledges it as the connection would.</summary>
    public string ExpectWriteAndAck(TimeSpan? within = null)
    {
        var write = Connection.ExpectMsg<Tcp.Write>(within);
        Session.Tell(write.Ack, Connection.Ref);
        return write.Data.ToString(Encoding.UTF8);
    }

    /// <summary>Expects the close, answers it as the connection would, and sees the session stop.</summary>
    public void ExpectClosedAndStop()
    {
        Connection.ExpectMsg<Tcp.Close>();
        var watcher = kit.CreateTestProbe();
        watcher.Watch(Session);
        Session.Tell(Tcp.Closed.Instance, Connection.Ref);
        watcher.ExpectTerminated(Session);
        _sweep?.Cancel();
    }
}
