using ActorSockets.Protocol;
using ActorSockets.Protocol.Framing;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using ActorSockets.Server.Services;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// A TCP client's session. It registers itself with its Akka.IO connection, cuts the byte stream
/// into lines (<see cref="LineDecoder"/>), and writes replies with back-pressure through a
/// <see cref="TcpWriter"/>: one write in flight, reading suspended while too much is owed.
/// </summary>
/// <remarks>
/// Ending: the goodbye line is written, then <see cref="Tcp.Close"/> once every byte is acknowledged;
/// the actor stops on the <see cref="Tcp.ConnectionClosed"/> event. A client that does not read at
/// all while the session ends is aborted after <see cref="ServerTuning.CloseGrace"/>.
/// </remarks>
public sealed class TcpSessionActor : SessionActor
{
    private const string CloseGraceTimerKey = "close-grace";

    private readonly IActorRef _connection;
    private readonly LineDecoder _decoder;
    private readonly TcpWriter _writer;
    private bool _peerClosed;

    public TcpSessionActor(SessionInfo info, IActorRef connection) : base(info)
    {
        _connection = connection;
        _decoder = new LineDecoder(info.Settings.MaxLineBytes);
        _writer = new TcpWriter(command => connection.Tell(command, Self), WriteAck.Instance);
    }

    public static Props Props(SessionInfo info, IActorRef connection) =>
        Akka.Actor.Props.Create(() => new TcpSessionActor(info, connection));

    protected override void PreStart()
    {
        base.PreStart();
        // keepOpenOnPeerClosed: a client that half-closes after its last request (nc -N) still gets every reply.
        _connection.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: true, useResumeWriting: false));
        Greet();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                OnReceived(received.Data);
                break;
            case WriteAck:
                _writer.Acknowledged();
                Flush();
                break;
            case Tcp.PeerClosed:
                _peerClosed = true;
                OnLine(_decoder.TakeUnterminated());
                OnCaughtUpIfIdle();
                Flush();
                break;
            case Tcp.ConnectionClosed closed:
                MarkEnded(SessionEndReason.ConnectionLost);
                Log.Debug("session {0}: connection closed ({1})", Info.Id, closed.Cause ?? closed.GetType().Name);
                Context.Stop(Self);
                break;
            case Tcp.CommandFailed failed:
                Log.Debug("session {0}: {1} failed: {2}", Info.Id, failed.Cmd.GetType().Name, failed.CauseString);
                MarkEnded(SessionEndReason.ConnectionLost);
                _connection.Tell(Tcp.Abort.Instance);
                Context.Stop(Self);
                break;
            case CloseGraceExpired:
                Log.Debug("session {0}: client did not read its last replies; aborting", Info.Id);
                _connection.Tell(Tcp.Abort.Instance);
                Context.Stop(Self);
                break;
            default:
                if (!HandleCommon(message))
                    Unhandled(message);
                break;
        }
    }

    private void OnReceived(ByteString data)
    {
        // A read from the socket is one buffer, so this span is no copy.
        if (EndReason is null && !_decoder.Feed(data.ToReadOnlySpan(), this))
        {
            // Framing is lost: answer in turn, then close; what follows the long line is dropped.
            OnOversizedRequest(Replies.TooLongLine(Info.Settings.MaxLineBytes), endsSession: true);
        }
        Flush();
    }

    protected override void AfterRequest()
    {
        // Replies gather in Outgoing and leave together at the end of the read (see Flush).
    }

    protected override void OnCaughtUp() => OnCaughtUpIfIdle();

    private void OnCaughtUpIfIdle()
    {
        if (_peerClosed && !AwaitingReply)
            End(SessionEndReason.PeerClosed, null);
    }

    protected override void OnEnding()
    {
        // A client that does not read cannot take its last lines: it is cut off after a grace, a
        // shorter one when the whole server is stopping (ServerTuning).
        var stopping = EndReason == SessionEndReason.Shutdown;
        Timers.StartSingleTimer(CloseGraceTimerKey, CloseGraceExpired.Instance, stopping ? ServerTuning.ShutdownClientGrace : ServerTuning.CloseGrace);
        // Read (and drop) what the client still sends before the close. Not when stopping: there the
        // BYE is followed by a half-close, and draining what a flooding client sent would only hold
        // up the writes.
        if (!stopping)
            _writer.DrainBeforeClosing();
    }

    protected override void Flush()
    {
        if (_writer.Flush(Outgoing))
            OnWritable();
        if (EndReason is not null)
            _writer.CloseWhenWritten(halfClose: EndReason == SessionEndReason.Shutdown);
        else
            _writer.ThrottleReading(Outgoing.WrittenCount, WaitingCount);
    }

    protected override void SayGoodbyeWhileStopping(string goodbye)
    {
        _connection.Tell(Tcp.Write.Create(ByteString.FromString(goodbye + "\n")));
        _connection.Tell(Tcp.Close.Instance);
    }

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
