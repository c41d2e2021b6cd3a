using ActorSockets.Protocol.Chat;
using Akka.Actor;
using Akka.Routing;
using static ActorSockets.Server.Chat.ChatProtocol;

namespace ActorSockets.Server.Chat;

/// <summary>
/// Runs the chat's RSA work: validating a client's key, opening and sealing messages (a few
/// milliseconds of CPU each, more for larger keys). A pool of these runs on its own dispatcher with
/// a bounded number of threads (<see cref="DispatcherId"/>), so a burst of handshakes slows the
/// chats, while the listener, the limiter and every session's other requests (PING, STATS) go on
/// on the default dispatcher. A failed check is an answer, not a crash.
/// </summary>
public sealed class ChatCryptoWorker : ReceiveActor
{
    /// <summary>The dispatcher's config path: a fork-join dispatcher with its own threads (ServerHocon).</summary>
    public const string DispatcherId = "actor-sockets-chat-crypto-dispatcher";

    public ChatCryptoWorker() =>
        Receive<CryptoJob>(job =>
        {
            CryptoDone done;
            try
            {
                done = new CryptoDone(job.Work(), null, job.Correlation);
            }
            catch (ChatCryptoException e)
            {
                done = new CryptoDone(null, e.Message, job.Correlation);
            }
            job.ReplyTo.Tell(done);
        });

    /// <summary>A pool of <paramref name="workers"/>, the least busy taking the next job; on <paramref name="dispatcher"/> (the crypto one unless told).</summary>
    public static Props PoolProps(int workers, string dispatcher = DispatcherId) =>
        Props.Create<ChatCryptoWorker>().WithDispatcher(dispatcher).WithRouter(new SmallestMailboxPool(workers));

    /// <summary>One worker per two cores, at least one: RSA never takes every core from the sockets.</summary>
    public static int DefaultWorkers => Math.Max(1, Environment.ProcessorCount / 2);
}
