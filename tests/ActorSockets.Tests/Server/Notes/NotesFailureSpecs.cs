using ActorSockets.Server;
using ActorSockets.Protocol.Notes;
using ActorSockets.Server.Notes;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>
/// When the journal fails: ERR storage with the journal's reason at once, never OK, no id taken;
/// reads go on from the last board; nothing is left unanswered while the store restarts; one log
/// line when storage fails and one when it works again; the store comes back by itself.
/// </summary>
public class NotesFailureSpecs : TestKit
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(15);

    public NotesFailureSpecs(ITestOutputHelper output)
        : base(FailingMemoryJournal.Hocon + "\nakka.loglevel = INFO", $"failing-{Guid.NewGuid():N}", output) { }

    private IActorRef StartStore() => Sys.ActorOf(NotesStoreSupervisor.Props(snapshotEvery: 1000), "notes-store");

    private NoteStored Store(IActorRef store, string text, long correlation)
    {
        store.Tell(new StoreNote(text, TestActor, correlation));
        return ExpectMsg<NoteStored>();
    }

    private NotesChunk Get(IActorRef store, long correlation, TimeSpan? wait = null)
    {
        store.Tell(new GetNotes(0, 0, 10, 10_000, TestActor, correlation));
        return ExpectMsg<NotesChunk>(wait);
    }

    /// <summary>Retries a POST (as a client would) until the store takes it; bounded in time.</summary>
    private NoteStored StoreWhenBack(IActorRef store, string text)
    {
        var deadline = DateTime.UtcNow + Recovery;
        for (var correlation = 1000L; DateTime.UtcNow < deadline; correlation++)
        {
            store.Tell(new StoreNote(text, TestActor, correlation));
            var answer = ExpectMsg<object>(ServerTuning.StoreWaitWhileStarting + TimeSpan.FromSeconds(1));
            if (answer is NoteStored stored)
                return stored;
            Assert.IsType<NoteNotStored>(answer);
            Thread.Sleep(100); // test thread, not an actor: the client's pause between retries
        }
        throw new TimeoutException("the store did not take a note again in time");
    }

    [Fact]
    public void A_note_the_journal_cannot_write_is_refused_with_the_reason_takes_no_id_and_the_store_recovers()
    {
        var store = StartStore();
        Assert.Equal(new NoteStored(1, 1), Store(store, "before", 1));

        FailingMemoryJournal.SetFailing(Sys.Name, true);
        store.Tell(new StoreNote("lost", TestActor, 2));
        var refused = ExpectMsg<NoteNotStored>();
        Assert.Equal(2, refused.Correlation);
        Assert.Equal("the journal could not write: disk full (test)", refused.Reason);

        FailingMemoryJournal.SetFailing(Sys.Name, false);
        Assert.Equal(2, StoreWhenBack(store, "after").Id); // the refused note took no id
        Assert.Equal([new Note(1, "before"), new Note(2, "after")], Get(store, 3).Notes);
    }

    [Fact]
    public void While_writes_fail_reads_go_on_and_every_request_gets_an_answer()
    {
        var store = StartStore();
        Store(store, "durable one", 1);
        Store(store, "durable two", 2);
        FailingMemoryJournal.SetFailing(Sys.Name, true);

        // A burst while the store fails and restarts: each POST is answered (ERR storage, the reason),
        // none dropped; each GET is answered from the board as it was, with only durable notes on it.
        const int burst = 40;
        for (var i = 0; i < burst; i++)
        {
            store.Tell(new StoreNote($"refused {i}", TestActor, 100 + i));
            store.Tell(new GetNotes(0, 0, 10, 10_000, TestActor, 500 + i));
        }
        var answers = ReceiveN(2 * burst, TimeSpan.FromSeconds(10));
        var refusals = answers.OfType<NoteNotStored>().ToList();
        var reads = answers.OfType<NotesChunk>().ToList();
        Assert.Equal(Enumerable.Range(100, burst).Select(i => (long)i), refusals.Select(r => r.Correlation).Order());
        Assert.All(refusals, r => Assert.Contains("disk full (test)", r.Reason));
        Assert.Equal(Enumerable.Range(500, burst).Select(i => (long)i), reads.Select(r => r.Correlation).Order());
        Assert.All(reads, r => Assert.Equal([new Note(1, "durable one"), new Note(2, "durable two")], r.Notes));
    }

    [Fact]
    public void A_failing_disk_is_logged_once_when_it_fails_and_once_when_it_works_again()
    {
        var store = StartStore();
        Store(store, "before", 1);
        EventFilter.Warning(start: "notes storage failing: the journal could not write: disk full (test)").Expect(1, () =>
        {
            FailingMemoryJournal.SetFailing(Sys.Name, true);
            for (var i = 0; i < 10; i++)
            {
                store.Tell(new StoreNote($"refused {i}", TestActor, 10 + i));
                ExpectMsg<NoteNotStored>(ServerTuning.StoreWaitWhileFailing + TimeSpan.FromSeconds(1));
            }
        });
        EventFilter.Info(contains: "notes storage works again").Expect(1, () =>
        {
            FailingMemoryJournal.SetFailing(Sys.Name, false);
            StoreWhenBack(store, "after");
        });
    }

    [Fact]
    public void A_journal_that_cannot_be_read_answers_err_storage_instead_of_silence()
    {
        FailingMemoryJournal.SetFailingReads(Sys.Name, true);
        var store = StartStore();
        store.Tell(new StoreNote("never", TestActor, 1));
        store.Tell(new GetNotes(0, 0, 10, 10_000, TestActor, 2));
        var answers = ReceiveN(2, ServerTuning.StoreWaitWhileStarting + TimeSpan.FromSeconds(2));
        Assert.Contains("unreadable sector (test)", Assert.Single(answers.OfType<NoteNotStored>()).Reason);
        Assert.Contains("unreadable sector (test)", Assert.Single(answers.OfType<NotesNotRead>()).Reason);

        FailingMemoryJournal.SetFailingReads(Sys.Name, false);
        Assert.Equal(1, StoreWhenBack(store, "readable again").Id);
    }

    [Fact]
    public void A_journal_that_comes_back_with_fewer_notes_than_were_acknowledged_is_refused()
    {
        var store = StartStore();
        Store(store, "one", 1);
        Store(store, "two", 2);
        FailingMemoryJournal.LoseEverything(Sys.Name);
        FailingMemoryJournal.SetFailing(Sys.Name, true);
        store.Tell(new StoreNote("makes the store restart", TestActor, 3));
        ExpectMsg<NoteNotStored>();
        FailingMemoryJournal.SetFailing(Sys.Name, false);

        // The store comes back on an empty journal: a new note must never take id 1 again. (Until the
        // store has restarted, the refusal still gives the disk's reason.)
        var reason = "";
        for (var attempt = 0; attempt < 20 && !reason.Contains("the journal holds 0 notes but 2 were acknowledged"); attempt++)
        {
            store.Tell(new StoreNote("would take a lost id", TestActor, 4 + attempt));
            reason = ExpectMsg<NoteNotStored>(ServerTuning.StoreWaitWhileStarting + TimeSpan.FromSeconds(1)).Reason;
        }
        Assert.Contains("the journal holds 0 notes but 2 were acknowledged", reason);
        Assert.Equal([new Note(1, "one"), new Note(2, "two")], Get(store, 5).Notes);
    }
}
