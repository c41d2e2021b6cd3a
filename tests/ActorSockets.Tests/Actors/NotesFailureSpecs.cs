using ActorSockets.Protocol.Notes;
using ActorSockets.Server.Notes;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Actors;

/// <summary>When the journal cannot write: ERR storage, never OK, no id taken, and the store comes back by itself.</summary>
public class NotesFailureSpecs : TestKit
{
    public NotesFailureSpecs(ITestOutputHelper output)
        : base(FailingMemoryJournal.Hocon + "\nakka.loglevel = INFO", $"failing-{Guid.NewGuid():N}", output) { }

    [Fact]
    public void A_note_the_journal_cannot_write_is_refused_takes_no_id_and_the_store_recovers()
    {
        var store = Sys.ActorOf(NotesStoreActor.SupervisedProps(snapshotEvery: 1000));
        store.Tell(new StoreNote("before", TestActor, 1));
        Assert.Equal(new NoteStored(1, 1), ExpectMsg<NoteStored>());

        FailingMemoryJournal.SetFailing(Sys.Name, true);
        store.Tell(new StoreNote("lost", TestActor, 2));
        var refused = ExpectMsg<NoteNotStored>();
        Assert.Equal(2, refused.Correlation);
        Assert.Contains("disk full (test)", refused.Reason);

        FailingMemoryJournal.SetFailing(Sys.Name, false);
        // The supervisor starts the store again after a back-off; reads are safe to repeat meanwhile.
        AwaitAssert(() =>
        {
            store.Tell(new GetNotes(0, 0, 10, 10_000, TestActor, 3));
            Assert.Equal([new Note(1, "before")], ExpectMsg<NotesChunk>(TimeSpan.FromMilliseconds(300)).Notes);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        store.Tell(new StoreNote("after", TestActor, 4));
        Assert.Equal(new NoteStored(2, 4), ExpectMsg<NoteStored>()); // the refused note took no id
    }
}
