using Akka.Actor;
using Akka.Event;
using static ActorSockets.Server.Chat.ChatProtocol;

namespace ActorSockets.Server.Chat;

/// <summary>
/// The chat's crypto work, admitted and ordered: sessions send it <see cref="CryptoJob"/>s; it keeps
/// them in a <see cref="CryptoQueue{T}"/> (established chats first, handshakes refused with
/// <see cref="CryptoRefused"/> while more waits than can finish in time, jobs of sessions that gave up
/// dropped) and hands one at a time to each idle <see cref="ChatCryptoWorker"/>. The workers run on
/// <see cref="Dispatchers.ChatCrypto"/>, a dispatcher with its own bounded threads, so RSA never takes the
/// threads that serve the sockets; this actor only moves messages and runs where sessions run.
/// </summary>
public sealed class ChatCryptoScheduler : ReceiveActor
{
    private readonly CryptoQueue<CryptoJob> _queue;
    private readonly Stack<IActorRef> _idle = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _refused;

    public ChatCryptoScheduler(int workers, TimeSpan bound, string workerDispatcher)
    {
        _queue = new CryptoQueue<CryptoJob>(workers, bound);
        for (var i = 0; i < workers; i++)
            _idle.Push(Context.ActorOf(Akka.Actor.Props.Create<ChatCryptoWorker>().WithDispatcher(workerDispatcher), $"worker-{i + 1}"));

        Receive<CryptoJob>(job =>
        {
            if (!_queue.TryAdd(job, job.Handshake, job.NotAfterMs))
            {
                if (_refused++ % 100 == 0) // a crowd is one line per hundred, not one each
                    _log.Warning("chat handshakes refused: crypto work is {0} jobs behind ({1:F1} ms each); {2} refused so far",
                        _queue.Waiting, _queue.AverageJob.TotalMilliseconds, _refused);
                job.ReplyTo.Tell(new CryptoRefused(job.Correlation));
                return;
            }
            Dispatch();
        });
        Receive<WorkerFree>(free =>
        {
            _queue.Ran(free.ElapsedMs);
            _idle.Push(Sender);
            Dispatch();
        });
    }

    /// <summary>
    /// <paramref name="workers"/> workers on <paramref name="workerDispatcher"/>; a handshake is refused
    /// while the work ahead of it would take longer than <paramref name="bound"/>.
    /// </summary>
    public static Props Props(int workers, TimeSpan bound, string workerDispatcher = Dispatchers.ChatCrypto) =>
        Akka.Actor.Props.Create(() => new ChatCryptoScheduler(workers, bound, workerDispatcher));


    private void Dispatch()
    {
        while (_idle.Count > 0 && _queue.TryTake(Environment.TickCount64, out var job))
            _idle.Pop().Tell(job);
    }

    /// <summary>From a worker: its job is answered; it took <paramref name="ElapsedMs"/>.</summary>
    internal sealed record WorkerFree(double ElapsedMs);
}
