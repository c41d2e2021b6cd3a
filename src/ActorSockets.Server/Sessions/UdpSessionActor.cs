using ActorSockets.Protocol;
using ActorSockets.Protocol.Framing;
using ActorSockets.Server.Services;
using Akka.Actor;
using Akka.IO;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// A UDP client's session: one remote address and port. Each datagram is one request and gets one
/// reply datagram holding exactly the bytes TCP would send, sent straight to the listener's socket.
/// A reply larger than <c>udp.max-datagram-bytes</c> is replaced by <c>ERR too-long</c>, since a
/// datagram cannot be cut. The session ends on QUIT, the idle timeout or shutdown; the client's next
/// datagram then opens a new one.
/// </summary>
public sealed class UdpSessionActor : SessionActor
{
    private readonly IActorRef _socket;
    /// <summary>This endpoint's <see cref="UdpCookie"/>, until a request proves it (then null).</summary>
    private string? _unprovenCookie;

    public UdpSessionActor(SessionInfo info, IActorRef socket) : base(info)
    {
        _socket = socket;
        _unprovenCookie = UdpCookie.For(info.Remote);
    }

    public static Props Props(SessionInfo info, IActorRef socket) =>
        SessionProducer<UdpSessionActor>.Props(info, socket, static (info, socket) => new UdpSessionActor(info, socket));

    protected override void PreStart() => Pipeline.Start();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Udp.Received received:
                Info.Figures.Received(received.Data.Count);
                if (_unprovenCookie is { } cookie && UdpCookie.Proves(received.Data.ToReadOnlySpan(), cookie))
                {
                    _unprovenCookie = null;
                    Context.Parent.Tell(SessionProtocol.ClientProven.Instance); // it reads at its address: no forger
                }
                if (Pipeline.AwaitingReply && Pipeline.WaitingCount >= ServerTuning.MaxWaitingRequests)
                    break; // dropped, as a full socket buffer would: bounded memory for a fast client
                var line = Datagram.RequestLine(received.Data.ToReadOnlySpan());
                if (line.Length > Info.Settings.MaxLineBytes)
                    Pipeline.OnOversizedRequest(Replies.TooLongDatagram(Info.Settings.MaxLineBytes), endsSession: false);
                else
                    Pipeline.OnLine(line);
                OutputReady();
                break;
            default:
                if (!HandleCommon(message))
                    Unhandled(message);
                break;
        }
    }

    #region The transport's part of ISessionEffects

    /// <summary>Each request gets its reply datagram at once; one too large for a datagram becomes ERR too-long.</summary>
    public override void RequestAnswered()
    {
        var outgoing = Pipeline.Outgoing;
        if (outgoing.WrittenCount == 0)
            return;
        if (outgoing.WrittenCount > Info.Settings.UdpMaxDatagramBytes)
        {
            var tag = Replies.TagOf(outgoing.WrittenSpan).ToArray();
            outgoing.Clear();
            Replies.WriteLine(outgoing, tag, Replies.TooLongReply(Info.Settings.UdpMaxDatagramBytes));
        }
        Send(outgoing.WrittenSpan.ToArray());
        outgoing.Clear();
    }

    /// <summary>A datagram is written at once, so a long reply may always go on; an ended session stops (UDP has nothing to close).</summary>
    public override void OutputReady()
    {
        RequestAnswered();
        Pipeline.OnWritable();
        if (Pipeline.EndReason is not null)
            Context.Stop(Self);
    }

    public override void Ending(SessionEndReason reason) { }

    public override void CaughtUp() { }

    protected override void SayGoodbyeWhileStopping(string goodbye) => Send(System.Text.Encoding.UTF8.GetBytes(goodbye + "\n"));

    #endregion

    private void Send(byte[] datagram)
    {
        Info.Figures.Sent(datagram.Length);
        _socket.Tell(Udp.Send.Create(ByteString.FromBytes(datagram), Info.Remote));
    }
}
