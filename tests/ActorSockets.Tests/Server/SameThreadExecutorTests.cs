using System.Collections.Concurrent;
using ActorSockets.Server;
using Akka.Dispatch;

namespace ActorSockets.Tests.Server;

/// <summary>
/// The default dispatcher's executor: runs work on the calling thread when that is a socket or pool
/// thread, as a trampoline (nested work after the current, never inside it), hands work from any
/// other thread to the pool, and lets no exception out.
/// </summary>
public class SameThreadExecutorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly SameThreadExecutor _executor = new("test");

    [Fact]
    public async Task On_a_pool_thread_work_runs_inline_and_nested_work_runs_after_the_current_not_inside_it()
    {
        var order = new ConcurrentQueue<string>();
        var threads = new ConcurrentBag<int>();
        await Task.Run(() =>
        {
            var caller = Environment.CurrentManagedThreadId;
            _executor.Execute(new ActionRunnable(() =>
            {
                threads.Add(Environment.CurrentManagedThreadId);
                order.Enqueue("outer start");
                _executor.Execute(new ActionRunnable(() =>
                {
                    threads.Add(Environment.CurrentManagedThreadId);
                    order.Enqueue("inner");
                }));
                order.Enqueue("outer end");
            }));
            order.Enqueue("returned");
            Assert.All(threads, id => Assert.Equal(caller, id));
        });
        Assert.Equal(["outer start", "outer end", "inner", "returned"], order.ToArray());
    }

    [Fact]
    public async Task Work_from_a_thread_that_is_neither_a_socket_nor_a_pool_thread_goes_to_the_pool()
    {
        // Akka's timer thread and the main thread are such threads: they must never run an actor.
        var ran = new TaskCompletionSource<(int Thread, bool Pool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        int caller = 0;
        var thread = new Thread(() =>
        {
            caller = Environment.CurrentManagedThreadId;
            _executor.Execute(new ActionRunnable(() =>
                ran.SetResult((Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread))));
        }) { Name = "like Akka's scheduler" };
        thread.Start();
        Assert.True(thread.Join(Wait));
        var (ranOn, onPool) = await ran.Task.WaitAsync(Wait);
        Assert.NotEqual(caller, ranOn);
        Assert.True(onPool);
    }

    /// <summary>
    /// The notes journal's thread: a commit's continuation sends one confirmation per note; run as
    /// each is sent, the board would take them one at a time. They wait for the work, then run here.
    /// </summary>
    [Fact]
    public void A_thread_of_our_own_runs_what_its_work_schedules_after_that_work_on_itself_and_its_failure_comes_after()
    {
        var order = new List<string>();
        int caller = 0, ranOn = 0;
        var thread = new Thread(() =>
        {
            caller = Environment.CurrentManagedThreadId;
            var failure = Record.Exception(() => SameThreadExecutor.RunAsDrain(() =>
            {
                foreach (var note in new[] { "first", "second" })
                    _executor.Execute(new ActionRunnable(() =>
                    {
                        ranOn = Environment.CurrentManagedThreadId;
                        order.Add(note);
                    }));
                order.Add("work done");
                throw new InvalidOperationException("the commit failed");
            }));
            order.Add($"then: {failure?.Message}");
        }) { Name = "like the notes journal's" };
        thread.Start();
        Assert.True(thread.Join(Wait));
        Assert.Equal(["work done", "first", "second", "then: the commit failed"], order);
        Assert.Equal(caller, ranOn);
    }

    [Fact]
    public async Task A_failing_run_does_not_escape_and_the_work_queued_behind_it_still_runs()
    {
        var after = false;
        await Task.Run(() => _executor.Execute(new ActionRunnable(() =>
        {
            _executor.Execute(new ActionRunnable(() => throw new InvalidOperationException("a bug in a mailbox run")));
            _executor.Execute(new ActionRunnable(() => after = true));
        })));
        Assert.True(after);
    }

    [Fact]
    public async Task A_drain_that_runs_too_long_hands_the_rest_to_the_pool_and_nothing_is_lost()
    {
        const int total = SameThreadExecutor.MaxRunsPerDrain * 3;
        var done = new CountdownEvent(total);
        var inline = 0;
        await Task.Run(() =>
        {
            var caller = Environment.CurrentManagedThreadId;
            var returned = false;
            _executor.Execute(new ActionRunnable(() =>
            {
                for (var i = 0; i < total; i++)
                {
                    _executor.Execute(new ActionRunnable(() =>
                    {
                        if (!Volatile.Read(ref returned) && Environment.CurrentManagedThreadId == caller)
                            Interlocked.Increment(ref inline);
                        done.Signal();
                    }));
                }
            }));
            Volatile.Write(ref returned, true);
        });
        Assert.True(done.Wait(Wait), $"{done.CurrentCount} of {total} never ran");
        // The first run was the outer one; the drain stopped after MaxRunsPerDrain runs in all.
        Assert.Equal(SameThreadExecutor.MaxRunsPerDrain - 1, inline);
    }
}
