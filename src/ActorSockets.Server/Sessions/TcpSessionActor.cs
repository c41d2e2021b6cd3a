using ActorSockets.Protocol;
using ActorSockets.Protocol.Framing;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using ActorSockets.Server.Services;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// A TCP client's session. It registers itself with its Akka.IO connection, cuts the byte stream
/// into lines, and writes replies with back-pressure: one write in flight, acknowledged before the
/// next, with the replies gathered meanwhile sent together in the next write. When too many reply
/// bytes (or waiting requests) pile up, it suspends reading until the client catches up, so a client
/// that pipelines without reading costs bounded memory (Akka.IO's own write queue is unbounded).
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
    private int _bytesInFlight;
    private bool _readingSuspended;
    private bool _peerClosed;
    private bool _closeSent;

    public TcpSessionActor(SessionInfo info, IActorRef connection) : base(info)
    {
        _connection = connection;
        _decoder = new LineDecoder(info.Settings.MaxLineBytes);
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
                _bytesInFlight = 0;
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
        // Closing a socket with unread data makes the kernel send a reset, which can overtake the last
        // lines: so read (and drop) what the client still sends before the close. Not when stopping:
        // there the BYE is followed by a half-close (see Flush), and draining what a flooding client
        // sent would only hold up the writes.
        if (_readingSuspended && !stopping)
        {
            _readingSuspended = false;
            _connection.Tell(Tcp.ResumeReading.Instance);
        }
    }

    protected override void Flush()
    {
        if (_bytesInFlight == 0 && Outgoing.WrittenCount > 0)
        {
            var bytes = ByteString.FromBytes(Outgoing.WrittenSpan.ToArray());
            Outgoing.ResetWrittenCount();
            _bytesInFlight = bytes.Count;
            _connection.Tell(Tcp.Write.Create(bytes, WriteAck.Instance));
        }
        else if (_bytesInFlight == 0)
        {
            OnWritable();
        }
        if (EndReason is not null)
        {
            if (_bytesInFlight == 0 && !_closeSent)
            {
                _closeSent = true;
                // Stopping the server: half-close after the BYE (FIN follows it), so a client that reads
                // gets every byte and the end of the stream before the socket is gone; the grace above
                // bounds the wait for the client to close its side.
                _connection.Tell(EndReason == SessionEndReason.Shutdown ? Tcp.ConfirmedClose.Instance : Tcp.Close.Instance);
            }
            return;
        }
        var suspend = _bytesInFlight + Outgoing.WrittenCount > ServerTuning.HighWaterBytes || WaitingCount >= ServerTuning.MaxWaitingRequests;
        if (suspend != _readingSuspended)
        {
            _readingSuspended = suspend;
            _connection.Tell(suspend ? Tcp.SuspendReading.Instance : Tcp.ResumeReading.Instance);
        }
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
