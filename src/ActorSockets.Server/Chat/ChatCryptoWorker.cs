using System.Diagnostics;
using ActorSockets.Protocol.Chat;
using Akka.Actor;
using static ActorSockets.Server.Chat.ChatProtocol;

namespace ActorSockets.Server.Chat;

/// <summary>
/// Runs one chat RSA job at a time: validating a client's key, opening and sealing messages (a few
/// milliseconds of CPU each, more for larger keys), on the crypto dispatcher's own threads. It
/// answers the session, then tells its <see cref="ChatCryptoScheduler"/> it is free and how long the
/// job took. A failed check is an answer, not a crash.
/// </summary>
public sealed class ChatCryptoWorker : ReceiveActor
{
    public ChatCryptoWorker() =>
        Receive<CryptoJob>(job =>
        {
            var started = Stopwatch.GetTimestamp();
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
            Sender.Tell(new ChatCryptoScheduler.WorkerFree(Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        });
}
