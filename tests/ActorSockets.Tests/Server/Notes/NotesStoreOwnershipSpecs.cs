using ActorSockets.Protocol;
using ActorSockets.Server;
using ActorSockets.Server.Notes;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>
/// The notes store as cluster mode runs it: it writes only while it holds the database's lock, so a
/// store started on a second node while the first still runs never writes beside it; a note that
/// reaches it after its session has given up is not stored; on hand-over it finishes what it writes.
/// </summary>
public class NotesStoreOwnershipSpecs(ITestOutputHelper output) : TestKit("akka.loglevel = INFO", output)
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void A_store_whose_database_is_held_by_another_writes_nothing_until_the_holder_lets_go()
    {
        using var database = NotesDatabase.OpenShared(_folder.File("notes.db"));
        var holder = database.Claim(); // the first node's store
        var second = Sys.ActorOf(NotesStoreSupervisor.Props(1000, database));

        second.Tell(new StoreNote("beside the first", TestActor, 1));
        var refused = ExpectMsg<NoteNotStored>(TimeSpan.FromSeconds(8));
        Assert.Equal(Replies.StoreUnavailable, refused.Reason); // the log says who holds which file; clients see no server path

        holder.Dispose(); // the first node is gone (the kernel drops a killed process's lock)
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        object answer;
        var correlation = 2L;
        do
        {
            second.Tell(new StoreNote("after the first", TestActor, correlation++));
            answer = ExpectMsg<object>(TimeSpan.FromSeconds(8));
        }
        while (answer is NoteNotStored && DateTime.UtcNow < deadline);
        Assert.IsType<NoteStored>(answer);
        Assert.Throws<ActorSockets.Protocol.Settings.SettingsException>(() => database.Claim().Dispose()); // now the second holds it
    }

    [Fact]
    public void A_store_waiting_for_the_lock_takes_it_soon_after_it_is_free_however_long_it_waited()
    {
        using var database = NotesDatabase.OpenShared(_folder.File("notes.db"));
        var holder = database.Claim();
        var store = Sys.ActorOf(NotesStoreSupervisor.Props(1000, database));
        Thread.Sleep(TimeSpan.FromSeconds(8)); // the holder is paused (a doubling back-off would be at seconds by now)
        holder.Dispose();
        var released = DateTime.UtcNow;
        object answer;
        var correlation = 1L;
        do
        {
            store.Tell(new StoreNote("after the holder", TestActor, correlation++));
            answer = ExpectMsg<object>(TimeSpan.FromSeconds(8));
        }
        while (answer is NoteNotStored && DateTime.UtcNow - released < TimeSpan.FromSeconds(10));
        Assert.IsType<NoteStored>(answer);
        // A liveness bound several times the 200 ms retry (and a store's start), not the goal.
        Assert.InRange(DateTime.UtcNow - released, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_store_whose_node_loses_the_majority_writes_nothing_and_lets_the_database_go_until_it_sees_one_again()
    {
        using var database = NotesDatabase.OpenShared(_folder.File("notes.db"));
        var seen = 3;
        var store = Sys.ActorOf(NotesStoreSupervisor.Props(1000, database, fence: new StoreFence(() => (Volatile.Read(ref seen), 3), TimeSpan.FromMinutes(1))));
        store.Tell(new StoreNote("with the majority", TestActor, 1));
        Assert.Equal(new NoteStored(1, 1), ExpectMsg<NoteStored>(TimeSpan.FromSeconds(8)));

        Volatile.Write(ref seen, 1); // cut off, or woken from a pause: this node sees only itself
        store.Tell(new StoreNote("cut off", TestActor, 2));
        Assert.Equal(new NoteNotStored(Replies.StoreUnavailable, 2), ExpectMsg<NoteNotStored>(TimeSpan.FromSeconds(10)));
        // The database is free for the majority's store.
        AwaitAssert(() => database.Claim().Dispose(), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));

        Volatile.Write(ref seen, 2);
        store.Tell(new StoreNote("with a majority again", TestActor, 3));
        Assert.Equal(new NoteStored(2, 3), ExpectMsg<NoteStored>(TimeSpan.FromSeconds(10)));
        store.Tell(new GetNotes(0, 0, 10, 10_000, TestActor, 4));
        Assert.Equal(["with the majority", "with a majority again"], ExpectMsg<NotesChunk>().Notes.Select(note => note.Text));
    }

    [Fact]
    public async Task A_store_whose_node_went_without_a_majority_longer_than_the_others_take_to_down_it_leaves_as_downed()
    {
        // Its own system: the store shuts it down.
        using var system = ActorSystem.Create("woken", "akka.loglevel = WARNING");
        var seen = 3;
        system.ActorOf(NotesStoreSupervisor.Props(1000, fence: new StoreFence(() => (Volatile.Read(ref seen), 3), TimeSpan.FromSeconds(1))));
        await Task.Delay(500);
        Assert.False(system.WhenTerminated.IsCompleted); // sees a majority
        Volatile.Write(ref seen, 1); // woken from a pause, or cut off: only itself
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(CoordinatedShutdown.ClusterDowningReason.Instance, CoordinatedShutdown.Get(system).ShutdownReason);
    }

    [Fact]
    public void A_store_on_a_node_whose_journal_holds_another_board_than_a_members_does_not_take_it_over()
    {
        var store = Sys.ActorOf(NotesStoreSupervisor.Props(1000, fence: new StoreFence(() => (2, 2), TimeSpan.FromMinutes(1),
            () => "akka.tcp://ActorSockets@10.0.0.11:4053")));
        store.Tell(new StoreNote("onto the wrong board", TestActor, 1));
        Assert.Equal(new NoteNotStored(Replies.StoreUnavailable, 1), ExpectMsg<NoteNotStored>(TimeSpan.FromSeconds(10)));
        store.Tell(new GetNotes(0, 0, 10, 10_000, TestActor, 2));
        ExpectMsg<NotesNotRead>(TimeSpan.FromSeconds(10)); // it never read its own board either
    }

    [Fact]
    public void A_note_that_arrives_after_its_deadline_is_not_stored()
    {
        var store = Sys.ActorOf(NotesStoreSupervisor.Props(1000));
        store.Tell(new StoreNote("too late", TestActor, 1, NotAfterMs: NodeClock.Of(Sys).In(TimeSpan.FromSeconds(-1))));
        Assert.Equal(new NoteNotStored(Replies.StoreUnavailable, 1), ExpectMsg<NoteNotStored>(TimeSpan.FromSeconds(8)));
        store.Tell(new StoreNote("in time", TestActor, 2, NotAfterMs: NodeClock.Of(Sys).In(TimeSpan.FromSeconds(5))));
        Assert.Equal(new NoteStored(1, 2), ExpectMsg<NoteStored>(TimeSpan.FromSeconds(8)));
        store.Tell(new GetNotes(0, 0, 10, 10_000, TestActor, 3));
        Assert.Equal(["in time"], ExpectMsg<NotesChunk>().Notes.Select(note => note.Text));
    }

    [Fact]
    public void On_hand_over_the_store_refuses_new_notes_and_stops()
    {
        var store = Sys.ActorOf(NotesStoreSupervisor.Props(1000));
        Watch(store);
        store.Tell(new StoreNote("kept", TestActor, 1));
        ExpectMsg<NoteStored>(TimeSpan.FromSeconds(8));
        store.Tell(NotesStoreSupervisor.HandOver.Instance);
        store.Tell(new StoreNote("too late to take", TestActor, 2));
        var answers = new List<object>();
        FishForMessage(message =>
        {
            if (message is Terminated)
                return true;
            answers.Add(message);
            return false;
        }, TimeSpan.FromSeconds(8));
        // Either answered by the draining store, or (had it stopped first) never delivered: never stored.
        Assert.All(answers, answer => Assert.Equal(new NoteNotStored(Replies.StoreUnavailable, 2), answer));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _folder.Dispose();
    }
}
