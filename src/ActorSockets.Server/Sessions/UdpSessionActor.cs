using ActorSockets.Protocol;
using ActorSockets.Protocol.Framing;
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
    private int _datagrams;

    public UdpSessionActor(SessionInfo info, IActorRef socket) : base(info) => _socket = socket;

    public static Props Props(SessionInfo info, IActorRef socket) =>
        Akka.Actor.Props.Create(() => new UdpSessionActor(info, socket));

    protected override void PreStart()
    {
        base.PreStart();
        Greet();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Udp.Received received:
                if (++_datagrams == 2)
                    Context.Parent.Tell(SessionProtocol.ClientConfirmed.Instance); // a real client, not one spoofed datagram
                if (AwaitingReply && WaitingCount >= ServerTuning.MaxWaitingRequests)
                    break; // dropped, as a full socket buffer would: bounded memory for a fast client
                var line = Datagram.RequestLine(received.Data.ToReadOnlySpan());
                if (line.Length > Info.Settings.MaxLineBytes)
                    OnOversizedRequest(Replies.TooLongDatagram(Info.Settings.MaxLineBytes), endsSession: false);
                else
                    OnLine(line);
                Flush();
                break;
            default:
                if (!HandleCommon(message))
                    Unhandled(message);
                break;
        }
    }

    protected override void AfterRequest()
    {
        if (Outgoing.WrittenCount == 0)
            return;
        if (Outgoing.WrittenCount > Info.Settings.UdpMaxDatagramBytes)
        {
            var tag = Replies.TagOf(Outgoing.WrittenSpan).ToArray();
            Outgoing.ResetWrittenCount();
            Replies.WriteLine(Outgoing, tag, Replies.TooLongReply(Info.Settings.UdpMaxDatagramBytes));
        }
        Send(Outgoing.WrittenSpan.ToArray());
        Outgoing.ResetWrittenCount();
    }

    protected override void Flush()
    {
        AfterRequest();
        OnWritable();
        if (EndReason is not null)
            Context.Stop(Self);
    }

    protected override void SayGoodbyeWhileStopping(string goodbye) =>
        Send(System.Text.Encoding.UTF8.GetBytes(goodbye + "\n"));

    private void Send(byte[] datagram) => _socket.Tell(Udp.Send.Create(ByteString.FromBytes(datagram), Info.Remote));
}
