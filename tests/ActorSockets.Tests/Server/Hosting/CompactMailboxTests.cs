using ActorSockets.Server.Hosting;
using Akka.Actor;
using Akka.Dispatch;
using Akka.TestKit.Xunit2;

namespace ActorSockets.Tests.Server.Hosting;

/// <summary>The mailbox every server actor gets: first in, first out, from any number of writers, and nothing lost.</summary>
public class CompactMailboxTests : TestKit
{
    private static Envelope Numbered(int n) => new(n, ActorRefs.NoSender);

    [Fact]
    public void Messages_come_out_in_the_order_they_went_in_across_a_burst_and_after_it()
    {
        var queue = new CompactMessageQueue();
        Assert.False(queue.HasMessages);
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 100; i++)
                queue.Enqueue(TestActor, Numbered(i));
            Assert.True(queue.HasMessages);
            Assert.Equal(100, queue.Count);
            for (var i = 0; i < 100; i++)
            {
                Assert.True(queue.TryDequeue(out var envelope));
                Assert.Equal(i, envelope.Message);
            }
            Assert.False(queue.TryDequeue(out _));
            Assert.Equal(0, queue.Count);
        }
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing_and_each_writer_keeps_its_order()
    {
        const int writers = 4, each = 20_000;
        var queue = new CompactMessageQueue();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < each; i++)
                queue.Enqueue(TestActor, Numbered(w * each + i));
        })).ToArray();
        var last = Enumerable.Repeat(-1, writers).ToArray();
        var taken = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (taken < writers * each && DateTime.UtcNow < deadline)
        {
            if (!queue.TryDequeue(out var envelope))
                continue;
            var n = (int)envelope.Message;
            Assert.True(n % each > last[n / each], "a writer's messages came out of order");
            last[n / each] = n % each;
            taken++;
        }
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(writers * each, taken);
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void What_is_left_at_clean_up_goes_to_dead_letters()
    {
        var queue = new CompactMessageQueue();
        var deadLetters = new CompactMessageQueue();
        queue.Enqueue(TestActor, Numbered(1));
        queue.Enqueue(TestActor, Numbered(2));
        queue.CleanUp(TestActor, deadLetters);
        Assert.False(queue.HasMessages);
        Assert.True(deadLetters.TryDequeue(out var first));
        Assert.True(deadLetters.TryDequeue(out var second));
        Assert.Equal((1, 2), ((int)first.Message, (int)second.Message));
    }

    [Fact]
    public async Task The_server_config_gives_it_to_plain_actors_and_to_those_that_ask_for_an_unbounded_queue()
    {
        using var system = ActorSystem.Create("mailbox-check", ServerHocon.Defaults);
        system.ActorOf(Props.Create(() => new PlainActor())).Tell("which queue?", TestActor);
        Assert.Equal(typeof(CompactMessageQueue), ExpectMsg<Type>());
        system.ActorOf(Props.Create(() => new UnboundedActor())).Tell("which queue?", TestActor);
        Assert.Equal(typeof(CompactMessageQueue), ExpectMsg<Type>());
        await system.Terminate();
    }

    /// <summary>Answers with the type of its own mailbox's queue.</summary>
    private class PlainActor : ReceiveActor
    {
        public PlainActor() => Receive<string>(_ => Sender.Tell(((ActorCell)Context).Mailbox!.MessageQueue.GetType()));
    }

    /// <summary>Asks for what Akka.IO's connection actors ask for.</summary>
    private sealed class UnboundedActor : PlainActor, IRequiresMessageQueue<IUnboundedMessageQueueSemantics>;
}
