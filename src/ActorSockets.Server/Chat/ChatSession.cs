using System.Buffers;
using System.Text;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Chat;
using ActorSockets.Protocol.Requests;
using ActorSockets.Server.Services;
using Akka.Actor;
using Org.BouncyCastle.Crypto.Parameters;

namespace ActorSockets.Server.Chat;

/// <summary>
/// One chat, as a state machine: handshake → client's turn → server's turn → … → closed.
/// Out of turn: <c>ERR turn</c>, and the session goes on (the message uses up no seq). Any failed
/// check: <c>ERR crypto: what</c>, and the session closes. Cheap checks (the line's form, the turn)
/// happen here; the RSA work (validate the key, verify and unwrap, sign and wrap) is a job for the
/// <see cref="ChatCryptoScheduler"/>, whose answer comes back as a message while later lines wait. A
/// handshake it cannot do in time is refused: <c>ERR busy</c>, and the session closes.
/// </summary>
internal sealed class ChatSession(ChatKeyPair serverKeys, IActorRef? chatOperator, IActorRef crypto, ServiceContext context, bool operatorGone)
    : IServiceSession
{

    private readonly int _maxMessageBytes = context.Settings.ChatMaxMessageBytes;
    private State _state = State.Handshake;
    private RsaKeyParameters? _clientKey;
    private long _clientSeq = 1, _serverSeq = 1;
    /// <summary>The crypto job awaited: its correlation, what it is, and for a seal the text sealed.</summary>
    private long _job;
    private Job _awaiting = Job.None;
    private string _sealing = "";

    private enum State { Handshake, ClientsTurn, ServersTurn, Closed }

    private enum Job { None, ReadKey, Open, Seal }

    public bool TakesTags => false;

    public bool ClientsTurn => _state is State.Handshake or State.ClientsTurn;

    public SessionEndReason? Ending { get; private set; }

    public void Start(IBufferWriter<byte> reply)
    {
        if (operatorGone)
        {
            Replies.WriteLine(reply, default, Replies.ChatNoOperator);
            Close(SessionEndReason.OperatorGone);
            return;
        }
        Replies.WriteLine(reply, default, Replies.Hello(serverKeys.PublicBase64));
    }

    public ServiceStep Handle(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body, IBufferWriter<byte> reply)
    {
        if (_state == State.Handshake)
        {
            if (!Request.StartsWithWord(body, "KEY"u8, out var key))
                return Fail("expected KEY", reply);
            var text = Encoding.UTF8.GetString(key);
            return Run(Job.ReadKey, () => ChatKeys.ReadPublicKey(text));
        }
        if (!Request.StartsWithWord(body, "MSG"u8, out _))
            return Fail("expected MSG <seq> <wrapped-key> <nonce> <ciphertext> <signature>", reply);
        try
        {
            // The envelope's own checks (fields, sizes, base64) say what is wrong by throwing.
            var message = ChatEnvelope.Parse(Encoding.UTF8.GetString(body), _maxMessageBytes);
            if (_state != State.ClientsTurn)
            {
                Replies.WriteLine(reply, default, Replies.NotYourTurn);
                return ServiceStep.Complete;
            }
            var (seq, clientKey, max) = (_clientSeq, _clientKey!, _maxMessageBytes);
            return Run(Job.Open, () => ChatEnvelope.Open(message, seq, ChatDirection.ClientToServer, clientKey, serverKeys.Private, max));
        }
        catch (ChatCryptoException e)
        {
            return Fail(e.Message, reply);
        }
    }

    public ServiceStep Continue(object message, IBufferWriter<byte> reply)
    {
        switch (message)
        {
            case ChatProtocol.CryptoRefused refused when refused.Correlation == _job && _awaiting != Job.None:
                _awaiting = Job.None;
                Replies.WriteLine(reply, default, Replies.ChatBusy);
                Close(SessionEndReason.CryptoFailed);
                return ServiceStep.Complete;
            case ChatProtocol.CryptoDone done when done.Correlation == _job && _awaiting != Job.None:
                var job = _awaiting;
                _awaiting = Job.None;
                return done.Error is { } error ? Fail(error, reply) : Finish(job, done.Value!, reply);
            case ChatProtocol.ServerSays says when _state == State.ServersTurn && _awaiting == Job.None:
                return Say(says.Text);
            case ChatProtocol.OperatorGone when _state == State.ServersTurn && _awaiting == Job.None:
                Replies.WriteLine(reply, default, Replies.ChatOperatorLeft);
                Close(SessionEndReason.OperatorGone);
                return ServiceStep.Complete;
            default:
                return ServiceStep.NotMine;
        }
    }

    public ServiceStep Resume(IBufferWriter<byte> reply) => ServiceStep.Complete;

    public bool Abandon(IBufferWriter<byte> reply)
    {
        _job++; // a late answer is no longer awaited
        _awaiting = Job.None;
        Replies.WriteLine(reply, default, Replies.ChatCryptoTimeout);
        Close(SessionEndReason.CryptoFailed);
        return false;
    }

    private ServiceStep Run(Job job, Func<object> work)
    {
        _awaiting = job;
        // The session gives up on its service after ServiceTimeout: work not started by then is dropped.
        var notAfterMs = Environment.TickCount64 + (long)ServerTuning.ServiceTimeout.TotalMilliseconds;
        crypto.Tell(new ChatProtocol.CryptoJob(work, context.Session, ++_job, job == Job.ReadKey, notAfterMs));
        return ServiceStep.Pending;
    }

    private ServiceStep Finish(Job job, object result, IBufferWriter<byte> reply)
    {
        switch (job)
        {
            case Job.ReadKey:
                _clientKey = (RsaKeyParameters)result;
                context.Figures.ChatHandshake();
                Replies.WriteLine(reply, default, Replies.Ready);
                _state = State.ClientsTurn;
                return ServiceStep.Complete;
            case Job.Open:
                _clientSeq++;
                return Heard((string)result, reply);
            case Job.Seal:
                Replies.WriteLine(reply, default, ((SealedMessage)result).ToLine());
                if (ChatEnvelope.IsGoodBye(_sealing))
                {
                    Replies.WriteLine(reply, default, Replies.ByeServerSaidGoodbye);
                    Close(SessionEndReason.Goodbye);
                }
                else
                {
                    _state = State.ClientsTurn;
                }
                return ServiceStep.Complete;
            default:
                throw new InvalidOperationException($"no crypto job {job} was awaited");
        }
    }

    private ServiceStep Fail(string what, IBufferWriter<byte> reply)
    {
        context.Figures.ChatCryptoError();
        Replies.WriteLine(reply, default, Replies.Crypto(what));
        Close(SessionEndReason.CryptoFailed);
        return ServiceStep.Complete;
    }

    /// <summary>The client's message, opened: Good Bye ends the chat; anything else goes to the responder.</summary>
    private ServiceStep Heard(string text, IBufferWriter<byte> reply)
    {
        if (ChatEnvelope.IsGoodBye(text))
        {
            chatOperator?.Tell(new ChatProtocol.ClientLeft(context.SessionId, text));
            Replies.WriteLine(reply, default, Replies.ByeClientSaidGoodbye);
            Close(SessionEndReason.Goodbye);
            return ServiceStep.Complete;
        }
        _state = State.ServersTurn;
        if (chatOperator is null)
            return Say("echo: " + text);
        chatOperator.Tell(new ChatProtocol.ClientSaid(context.SessionId, text, context.Session));
        return ServiceStep.Complete;
    }

    /// <summary>The server's message, to be sealed for the client; the server's Good Bye ends the chat once sent.</summary>
    private ServiceStep Say(string text)
    {
        _sealing = CutToBytes(text, _maxMessageBytes);
        var (sealing, seq, clientKey) = (_sealing, _serverSeq++, _clientKey!);
        return Run(Job.Seal, () => ChatEnvelope.Seal(sealing, seq, ChatDirection.ServerToClient, clientKey, serverKeys.Private));
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
