using ActorSockets.Protocol.Chat;
using ActorSockets.Server.Services;
using Akka.Actor;

namespace ActorSockets.Server.Chat;

/// <summary>
/// The <c>chat</c> service (PROTOCOL.md section 5). The server's answers come from the
/// <c>echo</c> responder at once, or from the operator at the server's console (an actor). RSA work
/// goes to <paramref name="crypto"/>, the pool of <see cref="ChatCryptoWorker"/>s.
/// <paramref name="operatorGone"/> is cancelled once the operator's input has ended: chats are then refused.
/// </summary>
public sealed class ChatService(ChatKeyPair serverKeys, IActorRef? chatOperator, IActorRef crypto, CancellationToken operatorGone = default)
    : IService
{
    public IReadOnlyList<string> HelpLines { get; } =
    [
        "chat: take turns with the server, one message each, every message RSA-encrypted (PROTOCOL.md section 5)",
        "KEY <key>       after HELLO: your RSA public key, base64 DER SubjectPublicKeyInfo, 2048 to 4096 bits",
        "MSG <seq> <wrapped-key> <nonce> <ciphertext> <signature>   a sealed message, on your turn",
        "                the message Good Bye ends the chat; lines here take no @TAG",
    ];

    public IServiceSession Open(ServiceContext context) =>
        new ChatSession(serverKeys, chatOperator, crypto, context, operatorGone.IsCancellationRequested);
}
