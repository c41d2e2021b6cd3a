using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorSockets.Server.Hosting;

/// <summary>
/// An unbounded mailbox that costs next to nothing while its actor is idle. Every client has two
/// actors (its Akka.IO connection and its session), and Akka's default mailbox starts each with a
/// <c>ConcurrentQueue</c> segment of 32 slots: about 1 KB each, 2 KB of the 15 KB an idle client
/// cost before (BENCHMARKS.md). This queue allocates when messages come and gives a burst's room
/// back once it has drained.
/// </summary>
/// <remarks>
/// Wired in by HOCON (<see cref="ServerHocon"/>) as the default mailbox and as the one that meets
/// Akka.IO's "unbounded queue" requirement. A lock rather than a lock-free queue: an actor's mailbox
/// has one reader, and its writers rarely meet, so the lock is almost always uncontended.
/// </remarks>
public sealed class CompactMailbox : MailboxType, IProducesMessageQueue<CompactMessageQueue>
{
    public CompactMailbox(Settings settings, Config config) : base(settings, config) { }

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactMessageQueue();
}

/// <summary>The queue of <see cref="CompactMailbox"/>: a <see cref="Queue{T}"/> behind a lock.</summary>
public sealed class CompactMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    /// <summary>Room kept after a burst drains; more than this is given back to the GC.</summary>
    internal const int KeptCapacity = 16;

    private readonly Queue<Envelope> _envelopes = new();
    private int _count;
    private int _peak;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_envelopes)
        {
            _envelopes.Enqueue(envelope);
            _count = _envelopes.Count;
            if (_count > _peak)
                _peak = _count;
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_envelopes)
        {
            if (!_envelopes.TryDequeue(out envelope))
                return false;
            _count = _envelopes.Count;
            if (_count == 0 && _peak > KeptCapacity)
            {
                _envelopes.TrimExcess();
                _peak = 0;
            }
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
            deadletters.Enqueue(owner, envelope);
    }
}
