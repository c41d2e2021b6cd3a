using System.Buffers;
using System.Text;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Chat;
using ActorSockets.Protocol.Requests;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Services;
using ActorSockets.Server.Sessions;
using Akka.Actor;

namespace ActorSockets.Server.Chat;

/// <summary>
/// The <c>chat</c> service (PROTOCOL.md section 5). The server's answers come from the
/// <c>echo</c> responder at once, or from the operator at the server's console (an actor).
/// </summary>
public sealed class ChatService(ChatKeyPair serverKeys, IActorRef? chatOperator) : IService
{
    public IReadOnlyList<string> HelpLines { get; } =
    [
        "chat: take turns with the server, one message each, every message RSA-encrypted (PROTOCOL.md section 5)",
        "KEY <key>       after HELLO: your RSA public key, base64 DER SubjectPublicKeyInfo, 2048 bits or more",
        "MSG <seq> <wrapped-key> <nonce> <ciphertext> <signature>   a sealed message, on your turn",
        "                the message Good Bye ends the chat; lines here take no @TAG",
    ];

    public IServiceSession Open(ServiceContext context) => new ChatSession(serverKeys, chatOperator, context);
}

/// <summary>
/// One chat, as a state machine: handshake → client's turn → server's turn → … → closed.
/// Out of turn: <c>ERR turn</c>, and the session goes on (the message uses up no seq). Any failed
/// check: <c>ERR crypto: what</c>, and the session closes. The RSA work (verify, unwrap, sign, wrap)
/// happens here, in the session's own actor, never in the listener or the limiter.
/// </summary>
internal sealed class ChatSession(ChatKeyPair serverKeys, IActorRef? chatOperator, ServiceContext context) : IServiceSession
{
    public const string NotYourTurn = "ERR turn: wait for the server's reply";

    private readonly int _maxMessageBytes = context.Settings.ChatMaxMessageBytes;
    private State _state = State.Handshake;
    private Org.BouncyCastle.Crypto.Parameters.RsaKeyParameters? _clientKey;
    private long _clientSeq = 1, _serverSeq = 1;

    private enum State { Handshake, ClientsTurn, ServersTurn, Closed }

    public bool TakesTags => false;

    public bool ClientsTurn => _state is State.Handshake or State.ClientsTurn;

    public SessionEndReason? Ending { get; private set; }

    public void Start(IBufferWriter<byte> reply) =>
        Replies.WriteLine(reply, default, $"HELLO chat/1 {serverKeys.PublicBase64}");

    public ServiceStep Handle(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body, IBufferWriter<byte> reply)
    {
        try
        {
            if (_state == State.Handshake)
                return Handshake(body, reply);
            if (!Request.StartsWithWord(body, "MSG"u8, out _))
                throw new ChatCryptoException("expected MSG <seq> <wrapped-key> <nonce> <ciphertext> <signature>");
            var message = ChatEnvelope.Parse(Encoding.UTF8.GetString(body));
            if (_state != State.ClientsTurn)
            {
                Replies.WriteLine(reply, default, NotYourTurn);
                return ServiceStep.Complete;
            }
            var text = ChatEnvelope.Open(message, _clientSeq, ChatDirection.ClientToServer, _clientKey!, serverKeys.Private, _maxMessageBytes);
            _clientSeq++;
            return Heard(text, reply);
        }
        catch (ChatCryptoException e)
        {
            Replies.WriteLine(reply, default, $"ERR crypto: {e.Message}");
            Close(SessionEndReason.CryptoFailed);
            return ServiceStep.Complete;
        }
    }

    public ServiceStep Continue(object message, IBufferWriter<byte> reply)
    {
        if (message is not ChatProtocol.ServerSays says || _state != State.ServersTurn)
            return ServiceStep.NotMine;
        Say(says.Text, reply);
        return ServiceStep.Complete;
    }

    public ServiceStep Resume(IBufferWriter<byte> reply) => ServiceStep.Complete;

    public bool Abandon(IBufferWriter<byte> reply) => false;

    private ServiceStep Handshake(ReadOnlySpan<byte> body, IBufferWriter<byte> reply)
    {
        if (!Request.StartsWithWord(body, "KEY"u8, out var key))
            throw new ChatCryptoException("expected KEY");
        _clientKey = ChatKeys.ReadPublicKey(Encoding.UTF8.GetString(key));
        Replies.WriteLine(reply, default, "READY");
        _state = State.ClientsTurn;
        return ServiceStep.Complete;
    }

    /// <summary>The client's message, opened: Good Bye ends the chat; anything else goes to the responder.</summary>
    private ServiceStep Heard(string text, IBufferWriter<byte> reply)
    {
        if (ChatEnvelope.IsGoodBye(text))
        {
            chatOperator?.Tell(new ChatProtocol.ClientLeft(context.SessionId, text));
            Replies.WriteLine(reply, default, "BYE goodbye: client said Good Bye");
            Close(SessionEndReason.Goodbye);
            return ServiceStep.Complete;
        }
        _state = State.ServersTurn;
        if (chatOperator is null)
            Say("echo: " + text, reply);
        else
            chatOperator.Tell(new ChatProtocol.ClientSaid(context.SessionId, text, context.Session));
        return ServiceStep.Complete;
    }

    /// <summary>The server's message, sealed for the client; the server's Good Bye ends the chat.</summary>
    private void Say(string text, IBufferWriter<byte> reply)
    {
        text = CutToBytes(text, _maxMessageBytes);
        var sealedMessage = ChatEnvelope.Seal(text, _serverSeq++, ChatDirection.ServerToClient, _clientKey!, serverKeys.Private);
        Replies.WriteLine(reply, default, sealedMessage.ToLine());
        if (ChatEnvelope.IsGoodBye(text))
        {
            Replies.WriteLine(reply, default, "BYE goodbye: server said Good Bye");
            Close(SessionEndReason.Goodbye);
        }
        else
        {
            _state = State.ClientsTurn;
        }
    }

    private void Close(SessionEndReason reason)
    {
        _state = State.Closed;
        Ending = reason;
    }

    /// <summary>At most <paramref name="maxBytes"/> of UTF-8, cut at a character boundary.</summary>
    internal static string CutToBytes(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
            return text;
        var length = 0;
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
                break;
            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }
        return text[..length];
    }
}
