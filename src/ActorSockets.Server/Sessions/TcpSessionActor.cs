using ActorSockets.Protocol;
using ActorSockets.Protocol.Framing;
using ActorSockets.Server.Services;
using Akka.Actor;
using Akka.Event;
using Akka.IO;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// A TCP client's session: Akka.IO connection → <see cref="LineDecoder"/> → <see cref="RequestPipeline"/>
/// → the service's session → <see cref="TcpWriter"/> → connection. It registers itself with its
/// connection, cuts the byte stream into lines, and writes replies with back-pressure: one write in
/// flight, reading suspended while too much is owed.
/// </summary>
/// <remarks>
/// Two states, as Akka.IO's own <c>TcpConnection</c> has: serving, then ending. Ending: the goodbye
/// line is written, then the close once every byte is acknowledged (a half-close when the server
/// stops); the actor stops on the <see cref="Tcp.ConnectionClosed"/> event. A client that does not
/// read while the session ends is aborted after <see cref="ServerTuning.CloseGrace"/>
/// (<see cref="ServerTuning.ShutdownClientGrace"/> when the server stops).
/// <para>
/// The idle clock waits while the server owes a reply, so a client that asks for a long reply and
/// never reads would keep its place for ever. Write progress is bounded instead: a write that the
/// client has not taken for the idle timeout ends the session as a timeout (the BYE, if the kernel
/// still takes it, then an abort). It is looked at with the idle timeout, when the limiter asks
/// (<see cref="SessionProtocol.CheckTimeouts"/>): no timer while writes are in flight.
/// </para>
/// </remarks>
public sealed class TcpSessionActor : SessionActor, ILineSink
{
    private readonly IActorRef _connection;
    private readonly LineDecoder _decoder;
    private readonly TcpWriter _writer;
    private bool _peerClosed;
    private ICancelable? _closeGrace;

    public TcpSessionActor(SessionInfo info, IActorRef connection) : base(info)
    {
        _connection = connection;
        _decoder = new LineDecoder(info.Settings.MaxLineBytes);
        var self = Self;
        var figures = info.Figures;
        _writer = new TcpWriter(command =>
        {
            if (command is Tcp.Write write)
                figures.Sent(write.Data.Count);
            connection.Tell(command, self);
        }, WriteAck.Instance);
    }

    public static Props Props(SessionInfo info, IActorRef connection) =>
        SessionProducer<TcpSessionActor>.Props(info, connection, static (info, connection) => new TcpSessionActor(info, connection));

    protected override void PostStop()
    {
        _closeGrace?.Cancel();
        base.PostStop();
    }

    protected override void PreStart()
    {
        // keepOpenOnPeerClosed: a client that half-closes after its last request (nc -N) still gets every reply.
        _connection.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: true, useResumeWriting: false));
        Pipeline.Start();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                Info.Figures.Received(received.Data.Count);
                // A read from the socket is one buffer, so this span is no copy.
                if (!_decoder.Feed(received.Data.ToReadOnlySpan(), this))
                {
                    // Framing is lost: answer in turn, then close; what follows the long line is dropped.
                    Pipeline.OnOversizedRequest(Replies.TooLongLine(Info.Settings.MaxLineBytes), endsSession: true);
                }
                OutputReady();
                break;
            case Tcp.PeerClosed:
                _peerClosed = true;
                Pipeline.OnLine(_decoder.TakeUnterminated());
                CaughtUp();
                OutputReady();
                break;
            default:
                if (!HandleInEitherState(message) && !HandleCommon(message))
                    Unhandled(message);
                break;
        }
    }

    /// <summary>Ending: nothing more is read or served; the last lines are written, then the close.</summary>
    private void OnReceiveEnding(object message)
    {
        switch (message)
        {
            case Tcp.Received or Tcp.PeerClosed:
                break; // read only so that closing sends no reset; dropped
            case CloseGraceExpired:
                Log.Debug("session {0}: client did not read its last replies; aborting", Info.Id);
                _connection.Tell(Tcp.Abort.Instance);
                Context.Stop(Self);
                break;
            default:
                if (!HandleInEitherState(message) && !HandleCommon(message))
                    Unhandled(message);
                break;
        }
    }

    /// <summary>The connection's events that mean the same whether the session serves or ends.</summary>
    private bool HandleInEitherState(object message)
    {
        switch (message)
        {
            case WriteAck:
                _writer.Acknowledged();
                OutputReady();
                return true;
            case Tcp.ConnectionClosed closed:
                Pipeline.MarkEnded(SessionEndReason.ConnectionLost);
                Log.Debug("session {0}: connection closed ({1})", Info.Id, closed.Cause ?? closed.GetType().Name);
                Context.Stop(Self);
                return true;
            case Tcp.CommandFailed failed:
                Log.Debug("session {0}: {1} failed: {2}", Info.Id, failed.Cmd.GetType().Name, failed.CauseString);
                Pipeline.MarkEnded(SessionEndReason.ConnectionLost);
                _connection.Tell(Tcp.Abort.Instance);
                Context.Stop(Self);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A complete line from the decoder.</summary>
    public void OnLine(ReadOnlySpan<byte> line) => Pipeline.OnLine(line);

    #region The transport's part of ISessionEffects

    /// <summary>Replies gather and leave together at the end of the read (see <see cref="OutputReady"/>).</summary>
    public override void RequestAnswered() { }

    public override void OutputReady()
    {
        if (_writer.Flush(Pipeline.Outgoing))
            Pipeline.OnWritable();
        if (Pipeline.EndReason is { } reason)
        {
            _writer.CloseWhenWritten(halfClose: reason == SessionEndReason.Shutdown);
            return;
        }
        _writer.ThrottleReading(Pipeline.Outgoing.WrittenCount, Pipeline.WaitingCount);
    }

    /// <summary>A write the client has not taken for the whole idle timeout ends the session first; then the idle clock.</summary>
    protected override void CheckTimeouts()
    {
        if (Pipeline.EndReason is null && Info.Settings.Timeout.Duration is { } bound && _writer.IsStalled(bound))
            EndStalled();
        else
            base.CheckTimeouts();
    }

    protected override long NextTimeoutCheckMs() =>
        Info.Settings.Timeout.Duration is { } bound ? Math.Min(base.NextTimeoutCheckMs(), _writer.StallDueMs(bound)) : base.NextTimeoutCheckMs();

    private void EndStalled()
    {
        Log.Debug("session {0}: the client took none of its reply for {1}; dropped as idle", Info.Id, Info.Settings.Timeout.Text);
        Pipeline.MarkEnded(SessionEndReason.Timeout);
        SayGoodbyeWhileStopping(Replies.ByeTimeout(Info.Settings.Timeout.Text));
        _connection.Tell(Tcp.Abort.Instance); // a closed window takes no FIN either: nothing is gained by waiting
        Context.Stop(Self);
    }

    public override void Ending(SessionEndReason reason)
    {
        Become(OnReceiveEnding);
        // A client that does not read cannot take its last lines: it is cut off after a grace, a
        // shorter one when the whole server is stopping.
        var stopping = reason == SessionEndReason.Shutdown;
        _closeGrace = ScheduleToSelf(stopping ? ServerTuning.ShutdownClientGrace : ServerTuning.CloseGrace, CloseGraceExpired.Instance);
        // Read (and drop) what the client still sends before the close. Not when stopping: there the
        // BYE is followed by a half-close, and draining what a flooding client sent would only hold
        // up the writes.
        if (!stopping)
            _writer.DrainBeforeClosing();
    }

    /// <summary>A client that half-closed ends once every request it sent is answered.</summary>
    public override void CaughtUp()
    {
        if (_peerClosed && !Pipeline.AwaitingReply)
            Pipeline.End(SessionEndReason.PeerClosed, null);
    }

    protected override void SayGoodbyeWhileStopping(string goodbye)
    {
        var line = ByteString.FromString(goodbye + "\n");
        Info.Figures.Sent(line.Count);
        _connection.Tell(Tcp.Write.Create(line));
        _connection.Tell(Tcp.Close.Instance);
    }

    #endregion

    #region Internal messages

    /// <summary>A write reached the kernel. Not activity: replies never keep a client alive.</summary>
    internal sealed class WriteAck : Tcp.Event
    {
        public static readonly WriteAck Instance = new();
        private WriteAck() { }
    }

    private sealed class CloseGraceExpired
    {
        public static readonly CloseGraceExpired Instance = new();
        private CloseGraceExpired() { }
    }

    #endregion
}
