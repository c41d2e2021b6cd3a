using ActorSockets.Server.Notes;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>
/// Our journal on the notes SQLite file (<see cref="SqliteJournal"/>) keeps Akka.Persistence's
/// journal contract and Akka.Persistence.Sql's rows: a board goes from one journal to the other and
/// back by configuration, a write that cannot be serialized is refused alone, and deleting keeps the
/// highest sequence number so that none is handed out twice. (The fixture board of
/// <see cref="NotesSerializationSpecs"/>, written by Akka.Persistence.Sql, is read by this journal.)
/// </summary>
public sealed class SqliteJournalSpecs : NotesDatabaseTestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public SqliteJournalSpecs(ITestOutputHelper output) : this(new TempFolder(), output) { }

    private SqliteJournalSpecs(TempFolder folder, ITestOutputHelper output) : base(folder, NotesDatabase.Open(folder.File("notes.db")), output) { }

    [Fact]
    public async Task A_board_written_by_this_journal_is_read_and_continued_by_Akka_Persistence_Sqls_and_back()
    {
        Assert.Equal(SqliteJournal.PluginId, Sys.Settings.Config.GetString("akka.persistence.journal.plugin"));
        var store = Sys.ActorOf(NotesStoreActor.Props(snapshotEvery: 100_000));
        foreach (var (text, i) in new[] { "one", "two", "three" }.Select((text, i) => (text, i)))
        {
            store.Tell(new StoreNote(text, TestActor, i, i == 1 ? "a-key-of-16-chars" : null));
            Assert.Equal(i + 1, ExpectMsg<NoteStored>(Patience).Id);
        }
        Stop(store);

        // (The server refuses this setting on its own file; here it stands for a build before this journal.)
        var theirs = ConfigurationFactory.ParseString("akka.persistence.journal.plugin = \"akka.persistence.journal.sql\"");
        using (var other = ActorSystem.Create("other", theirs.WithFallback(NotesPersistence.For(TestSettings.Create("service=notes"), Database, Config.Empty))))
        {
            Assert.Equal("akka.persistence.journal.sql", other.Settings.Config.GetString("akka.persistence.journal.plugin"));
            var probe = new Akka.TestKit.TestProbe(other, new XunitAssertions());
            var theirStore = other.ActorOf(NotesStoreActor.Props(snapshotEvery: 100_000));
            Assert.Equal(["one", "two", "three"], ReadAll(theirStore, probe));
            theirStore.Tell(new StoreNote("two", probe.Ref, 9, "a-key-of-16-chars"), probe.Ref); // the key came through
            Assert.Equal(2, probe.ExpectMsg<NoteStored>(Patience).Id);
            theirStore.Tell(new StoreNote("four, by Akka.Persistence.Sql", probe.Ref, 10), probe.Ref);
            Assert.Equal(4, probe.ExpectMsg<NoteStored>(Patience).Id);
            await other.Terminate().WaitAsync(Patience);
        }

        var again = Sys.ActorOf(NotesStoreActor.Props(snapshotEvery: 100_000));
        Assert.Equal(["one", "two", "three", "four, by Akka.Persistence.Sql"], ReadAll(again, CreateTestProbe()));
    }

    [Fact]
    public void A_write_that_cannot_be_serialized_is_refused_alone()
    {
        var journal = Persistence.Instance.Apply(Sys).JournalFor(null);
        var writer = Guid.NewGuid().ToString("N");
        journal.Tell(new WriteMessages([
            new AtomicWrite(new Persistent(new Tagged("a note", ["a-tag"]), 1, "tagged", writerGuid: writer)),
            new AtomicWrite(new Persistent("a plain note", 2, "tagged", writerGuid: writer)),
        ], TestActor, 1));
        ExpectMsg<WriteMessagesSuccessful>(Patience);
        Assert.Contains("keeps no tags", ExpectMsg<WriteMessageRejected>().Cause.Message);
        Assert.Equal(2, ExpectMsg<WriteMessageSuccess>().Persistent.SequenceNr);

        journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "tagged", TestActor));
        Assert.Equal("a plain note", ExpectMsg<ReplayedMessage>(Patience).Persistent.Payload);
        Assert.Equal(2, ExpectMsg<RecoverySuccess>().HighestSequenceNr);
    }

    [Fact]
    public void Deleted_events_are_not_replayed_and_their_highest_number_is_never_handed_out_again()
    {
        var journal = Persistence.Instance.Apply(Sys).JournalFor(null);
        var writer = Guid.NewGuid().ToString("N");
        const int events = 12_001; // a delete of all but the last is removed in chunks of 5,000
        journal.Tell(new WriteMessages(
            Enumerable.Range(1, events).Select(seq => new AtomicWrite(new Persistent($"event {seq}", seq, "deleting", writerGuid: writer))).ToArray(),
            TestActor, 1));
        ExpectMsg<WriteMessagesSuccessful>(Patience);
        ReceiveN(events, Patience);

        journal.Tell(new DeleteMessagesTo("deleting", events - 1, TestActor));
        ExpectMsg<DeleteMessagesSuccess>(Patience);
        journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "deleting", TestActor));
        Assert.Equal($"event {events}", ExpectMsg<ReplayedMessage>(Patience).Persistent.Payload);
        Assert.Equal(events, ExpectMsg<RecoverySuccess>().HighestSequenceNr);
        Assert.Equal(2, RowsOf("deleting")); // the last, and the highest deleted, marked
        Assert.Equal(0, ReadRow("PRAGMA freelist_count", row => row.GetInt64(0))); // the pages went back to the file system

        journal.Tell(new DeleteMessagesTo("deleting", events, TestActor));
        ExpectMsg<DeleteMessagesSuccess>(Patience);
        journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "deleting", TestActor));
        Assert.Equal(events, ExpectMsg<RecoverySuccess>(Patience).HighestSequenceNr); // nothing replayed, the number kept
        Assert.Equal(1, RowsOf("deleting"));
    }

    private long RowsOf(string persistenceId) =>
        ReadRow($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{persistenceId}'", row => row.GetInt64(0));

    private void Stop(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor, Patience);
    }

    private static string[] ReadAll(IActorRef store, Akka.TestKit.TestProbe probe)
    {
        store.Tell(new GetNotes(0, 0, 100, 1 << 20, probe.Ref, 99), probe.Ref);
        return [.. probe.ExpectMsg<NotesChunk>(Patience).Notes.Select(note => note.Text)];
    }
}
