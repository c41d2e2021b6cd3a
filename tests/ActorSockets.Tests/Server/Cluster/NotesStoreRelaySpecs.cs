using ActorSockets.Server;
using ActorSockets.Server.Cluster;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Server.Cluster;

/// <summary>
/// The relay in front of the store's proxy: a note with a board-wide key is sent again until the
/// store answers (it may have been lost with a dying node), one without a key only once, and the
/// session hears exactly one answer, under its own correlation.
/// </summary>
public sealed class NotesStoreRelaySpecs(ITestOutputHelper output) : TestKit("akka.loglevel = INFO", output)
{
    private long Later => NodeClock.Of(Sys).In(TimeSpan.FromMinutes(5));

    [Fact]
    public void A_keyed_note_is_sent_again_until_the_store_answers_and_the_session_hears_one_answer()
    {
        var store = CreateTestProbe();
        var relay = Sys.ActorOf(NotesStoreRelay.Props(store.Ref));
        relay.Tell(new StoreNote("kept", TestActor, 41, Key: "abcdefghijklmnop-1", NotAfterMs: Later));

        var first = store.ExpectMsg<StoreNote>();
        var again = store.ExpectMsg<StoreNote>(TimeSpan.FromSeconds(3)); // nobody answered: sent again
        Assert.Equal((first.Text, first.Key, first.Correlation), (again.Text, again.Key, again.Correlation));
        Assert.Equal(relay, first.ReplyTo);

        relay.Tell(new NoteStored(7, first.Correlation));
        relay.Tell(new NoteStored(7, again.Correlation)); // the store's answer to the copy
        Assert.Equal(new NoteStored(7, 41), ExpectMsg<NoteStored>());
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        store.ExpectNoMsg(TimeSpan.FromSeconds(1.5)); // answered: not sent again
    }

    [Fact]
    public void A_note_without_a_key_is_sent_once_and_its_failure_reaches_the_session()
    {
        var store = CreateTestProbe();
        var relay = Sys.ActorOf(NotesStoreRelay.Props(store.Ref));
        relay.Tell(new StoreNote("once", TestActor, 5, NotAfterMs: Later));
        var sent = store.ExpectMsg<StoreNote>();
        store.ExpectNoMsg(TimeSpan.FromSeconds(1.5)); // a second copy could be a second note
        relay.Tell(new NoteNotStored("disk full", sent.Correlation));
        Assert.Equal(new NoteNotStored("disk full", 5), ExpectMsg<NoteNotStored>());
    }

    [Fact]
    public void A_keyed_note_past_its_deadline_is_no_longer_sent()
    {
        var store = CreateTestProbe();
        var relay = Sys.ActorOf(NotesStoreRelay.Props(store.Ref));
        // Its deadline comes before its first resend would.
        relay.Tell(new StoreNote("late", TestActor, 1, Key: "abcdefghijklmnop-2", NotAfterMs: NodeClock.Of(Sys).In(ServerTuning.ClusterStoreResend / 2)));
        store.ExpectMsg<StoreNote>();
        store.ExpectNoMsg(TimeSpan.FromSeconds(2)); // its session has answered ERR storage by then
    }

    [Fact]
    public void Reads_go_straight_to_the_store()
    {
        var store = CreateTestProbe();
        var relay = Sys.ActorOf(NotesStoreRelay.Props(store.Ref));
        var get = new GetNotes(0, 0, 10, 1000, TestActor, 3);
        relay.Tell(get);
        Assert.Equal(get, store.ExpectMsg<GetNotes>());
    }
}
