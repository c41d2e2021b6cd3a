using Akka.Configuration;
using Akka.Dispatch;

namespace ActorSockets.Server;

/// <summary>
/// The executor of Akka's default dispatcher: it runs an actor's mailbox on the thread that
/// scheduled it, instead of handing it to the thread pool. With inline socket completions a
/// request then goes socket → Akka.IO connection → session → connection → <c>send()</c> on .NET's
/// epoll thread, with no thread woken and no hand-off (PERF-NOTES 7.1, BENCHMARKS.md).
/// </summary>
/// <remarks>
/// <para>Three rules keep that safe.</para>
/// <para>A trampoline, not recursion: a mailbox scheduled while this thread is already running one
/// waits in a per-thread queue and runs when the current one returns, so the stack stays flat and
/// an actor never runs inside another's message. Akka's own compare-and-set on the mailbox still
/// guarantees an actor runs on one thread at a time.</para>
/// <para>Only the socket engine's threads and pool threads run mailboxes inline (and a thread of
/// ours inside <see cref="RunAsDrain"/>). Work scheduled
/// from anywhere else (Akka's timer thread, the main thread, the chat crypto threads, the console
/// reader) goes to the pool, so a timer never waits behind an actor and the main thread is never
/// borrowed. A drain that has run <see cref="MaxRunsPerDrain"/> mailboxes hands the rest to the
/// pool too, so one busy actor cannot keep a socket thread from its other sockets.</para>
/// <para>Nothing escapes: an exception thrown out of a mailbox run (Akka catches actors' own
/// failures, so this would be a bug in Akka or in us) is written to standard error and the drain
/// goes on. Thrown into .NET's socket engine it would end the process.</para>
/// <para>Everything that may block (logging, the chat operator) runs on
/// <see cref="Dispatchers.Background"/> instead, the chat's RSA work on its own dispatcher
/// (<see cref="Dispatchers"/>), and the notes journal's SQLite calls on its own thread, which runs
/// what a commit answers through <see cref="RunAsDrain"/>.</para>
/// </remarks>
public sealed class SameThreadExecutor : ExecutorService
{
    /// <summary>How many mailboxes one drain runs before it hands what is left to the pool.</summary>
    public const int MaxRunsPerDrain = 256;

    /// <summary>The name .NET gives each socket-engine (epoll) thread (SocketAsyncEngine.Unix.cs).</summary>
    internal const string SocketEngineThreadName = ".NET Sockets";

    [ThreadStatic] private static Queue<IRunnable>? t_pending;
    [ThreadStatic] private static bool t_draining;

    public SameThreadExecutor(string id) : base(id) { }

    public override void Execute(IRunnable run)
    {
        if (t_draining)
        {
            t_pending!.Enqueue(run);
            return;
        }
        if (MayRunInline(Thread.CurrentThread))
            Drain(run);
        else
            HandToPool(run);
    }

    public override void Shutdown() { }

    /// <summary>
    /// Runs <paramref name="work"/> on this thread as a drain: the mailboxes it schedules wait until
    /// it returns, then run here in turn. For a thread of our own whose one piece of work sends many
    /// messages (the notes journal's: a commit's confirmations, one per note): run as each is sent,
    /// every one would go down to its socket before the next is sent, and the board would
    /// acknowledge its notes one at a time. What <paramref name="work"/> throws is thrown after the drain.
    /// </summary>
    public static void RunAsDrain(Action work)
    {
        if (t_draining)
        {
            work();
            return;
        }
        var pending = BeginDrain();
        try
        {
            work();
        }
        finally
        {
            EndDrain(pending);
        }
    }

    private static bool MayRunInline(Thread thread) => thread.IsThreadPoolThread || thread.Name == SocketEngineThreadName;

    private static void Drain(IRunnable first)
    {
        var pending = BeginDrain();
        try
        {
            RunGuarded(first);
        }
        finally
        {
            EndDrain(pending);
        }
    }

    private static Queue<IRunnable> BeginDrain()
    {
        t_draining = true;
        return t_pending ??= new Queue<IRunnable>();
    }

    /// <summary>Runs what waits, then lets this thread run mailboxes inline again.</summary>
    private static void EndDrain(Queue<IRunnable> pending)
    {
        try
        {
            RunPending(pending);
        }
        finally
        {
            t_draining = false;
        }
    }

    private static void RunPending(Queue<IRunnable> pending)
    {
        for (var runs = 1; pending.TryDequeue(out var next); runs++)
        {
            if (runs == MaxRunsPerDrain)
            {
                // The rest goes to the pool, where each drains on a pool thread (inline there).
                HandToPool(next);
                while (pending.TryDequeue(out var more))
                    HandToPool(more);
                return;
            }
            RunGuarded(next);
        }
    }

    private static void HandToPool(IRunnable run) =>
        ThreadPool.UnsafeQueueUserWorkItem(static r => Drain(r), run, preferLocal: false);

    private static void RunGuarded(IRunnable run)
    {
        try
        {
            run.Run();
        }
        catch (Exception e)
        {
            // Not swallowed: reported where an operator looks, and the thread goes on serving sockets.
            Console.Error.WriteLine($"actor-sockets: a mailbox run failed outside its actor: {e}");
        }
    }
}

/// <summary>Gives Akka the <see cref="SameThreadExecutor"/>; named by type in ServerHocon.</summary>
public sealed class SameThreadExecutorConfigurator : ExecutorServiceConfigurator
{
    public SameThreadExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites) : base(config, prerequisites) { }

    public override ExecutorService Produce(string id) => new SameThreadExecutor(id);
}
