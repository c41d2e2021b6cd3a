using System.Net;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Framing;
using ActorSockets.Protocol.Requests;
using ActorSockets.Protocol.Settings;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using static ActorSockets.Server.Limiting.LimiterProtocol;

namespace ActorSockets.Server.Listening;

/// <summary>
/// Owns the UDP socket (Akka.IO <see cref="Udp.Bind"/>) and the map from remote endpoint to session.
/// A datagram from a known endpoint goes straight to its session; one from a new endpoint waits
/// (a few at most) while the limiter admits or refuses that endpoint. Sessions send their replies
/// to the socket themselves. Empty datagrams are dropped here: they open no session and are no activity.
/// </summary>
public sealed class UdpListenerActor(ActorSocketsSettings settings, IActorRef limiter, ListenerStatus status)
    : ListenerActor(settings, limiter, status)
{

    private readonly Dictionary<EndPoint, IActorRef> _sessions = [];
    /// <summary>Reply budgets per source network, when rate limiting is on; then every reply passes through here.</summary>
    private readonly ReplyRateLimiter? _rateLimiter =
        settings.UdpRateLimited ? new ReplyRateLimiter(settings.UdpRateLimitBytes) : null;
    private readonly Dictionary<EndPoint, List<Udp.Received>> _pending = [];

    public static Props Props(ActorSocketsSettings settings, IActorRef limiter, ListenerStatus status) =>
        Akka.Actor.Props.Create(() => new UdpListenerActor(settings, limiter, status));

    protected override object UnbindCommand => Udp.Unbind.Instance;

    protected override string TransportName => "udp";

    protected override void Bind() => Context.System.Udp().Tell(new Udp.Bind(Self, Settings.EndPoint));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Udp.Bound bound:
                if (!OnBound(bound.LocalAddress, Sender))
                    break;
                Log.Info(_rateLimiter is not null
                    ? $"udp reply rate limit on: {Settings.UdpRateLimitBytes} bytes/s to each /24 (IPv4) or /56 (IPv6) source network"
                    : Settings.UdpRateLimit == RateLimitMode.Off
                        ? "udp reply rate limit off (udp.rate-limit = off)"
                        : "udp reply rate limit off: bound to loopback (udp.rate-limit = on to use it here)");
                break;
            case Udp.Send reply:
                Reply(reply);
                break;
            case Udp.CommandFailed { Cmd: Udp.Bind }:
                // Akka.IO's UDP CommandFailed carries no cause (it logs it at ERROR); these are the two that happen.
                OnBindFailed(TransportName, "address already in use, or not an address of this machine");
                break;
            case Udp.Received received:
                Route(received);
                break;
            case UdpClientAdmitted admitted:
                Admitted(admitted);
                break;
            case UdpClientRefused refused:
                Refused(refused);
                break;
            case SessionGone gone:
                if (_sessions.TryGetValue(gone.Remote, out var current) && current.Equals(gone.Session))
                    _sessions.Remove(gone.Remote);
                break;
            default:
                if (!HandleStopListening(message, isUnbound: message is Udp.Unbound))
                    Unhandled(message);
                break;
        }
    }

    private void Route(Udp.Received received)
    {
        if (Datagram.RequestLine(received.Data.ToReadOnlySpan()).IsEmpty)
            return;
        if (_sessions.TryGetValue(received.Sender, out var session))
        {
            session.Tell(received, Socket);
            return;
        }
        if (_pending.TryGetValue(received.Sender, out var waiting))
        {
            if (waiting.Count < ServerTuning.MaxPendingDatagrams)
                waiting.Add(received);
            return;
        }
        _pending[received.Sender] = [received];
        // With rate limiting, sessions send their replies through this actor (it owns the budgets).
        Limiter.Tell(new AdmitUdpClient(received.Sender, _rateLimiter is null ? Socket! : Self, Self));
    }

    private void Admitted(UdpClientAdmitted admitted)
    {
        _sessions[admitted.Remote] = admitted.Session;
        Context.WatchWith(admitted.Session, new SessionGone(admitted.Remote, admitted.Session));
        if (_pending.Remove(admitted.Remote, out var waiting))
        {
            foreach (var datagram in waiting)
                admitted.Session.Tell(datagram, Socket);
        }
    }

    private void Refused(UdpClientRefused refused)
    {
        if (!_pending.Remove(refused.Remote, out var waiting) || Socket is null)
            return;
        foreach (var datagram in waiting)
        {
            // ERR lines carry the request's tag, so a tagging client matches the refusal to its request.
            var line = Datagram.RequestLine(datagram.Data.ToReadOnlySpan());
            var status = Request.Parse(line, out var tag, out _);
            var reply = new System.Buffers.ArrayBufferWriter<byte>();
            Replies.WriteLine(reply, status is RequestStatus.Ok or RequestStatus.NothingAfterTag ? tag : default, refused.Line);
            Reply(Udp.Send.Create(ByteString.FromBytes(reply.WrittenSpan.ToArray()), refused.Remote));
        }
    }

    /// <summary>Sends a reply, or, over the source network's budget, drops it or sends the short slow-down line instead.</summary>
    private void Reply(Udp.Send reply)
    {
        if (Socket is null)
            return;
        if (_rateLimiter is null)
        {
            Socket.Tell(reply);
            return;
        }
        var tagLength = Replies.TagOf(reply.Payload.ToReadOnlySpan()).Length;
        var slipBytes = (tagLength == 0 ? 0 : tagLength + 2) + Replies.RateLimited.Length + 1; // "@tag " line "\n" (ASCII)
        switch (_rateLimiter.Check(reply.Target, reply.Payload.Count, Environment.TickCount64, slipBytes))
        {
            case ReplyRateLimiter.Decision.Send:
                Socket.Tell(reply);
                break;
            case ReplyRateLimiter.Decision.Slip:
                var slip = new System.Buffers.ArrayBufferWriter<byte>();
                Replies.WriteLine(slip, Replies.TagOf(reply.Payload.ToReadOnlySpan()), Replies.RateLimited);
                Socket.Tell(Udp.Send.Create(ByteString.FromBytes(slip.WrittenSpan.ToArray()), reply.Target));
                break;
        }
    }

    #region Internal messages

    private sealed record SessionGone(EndPoint Remote, IActorRef Session);

    #endregion
}
