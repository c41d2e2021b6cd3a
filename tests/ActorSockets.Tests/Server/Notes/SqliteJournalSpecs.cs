using ActorSockets.Server.Notes;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;
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
    public void Writes_that_arrive_while_a_commit_waits_share_the_next_commit_and_none_is_confirmed_before_its_commit()
    {
        var journal = Persistence.Instance.Apply(Sys).JournalFor(null);
        var writer = Guid.NewGuid().ToString("N");
        Write(journal, 1, writer); // opens the journal's connection
        ExpectMsg<WriteMessagesSuccessful>(Patience);
        ExpectMsg<WriteMessageSuccess>(Patience);

        using (var holder = new SqliteConnection($"Data Source={Database.Path};Pooling=False"))
        {
            holder.Open();
            Execute(holder, "BEGIN IMMEDIATE"); // SQLite's one writer: the journal's next commit waits for it
            for (var seq = 2; seq <= 11; seq++)
            {
                Write(journal, seq, writer);
                ExpectMsg<WriteMessagesSuccessful>(Patience); // taken at once: the actor may hand over its next
            }
            ExpectNoMsg(TimeSpan.FromMilliseconds(500)); // and not one confirmed while no commit can return
            Execute(holder, "ROLLBACK");
        }
        for (var seq = 2; seq <= 11; seq++)
            Assert.Equal(seq, ExpectMsg<WriteMessageSuccess>(Patience).Persistent.SequenceNr);

        journal.Tell(SqliteJournal.CountCommits.Instance);
        var commits = ExpectMsg<SqliteJournal.Commits>(Patience);
        Assert.Equal(11, commits.Rows);
        // The first; the one the lock held (with any write that came before the thread took it); the rest together.
        Assert.InRange(commits.Count, 2, 3);
    }

    [Fact]
    public void A_burst_of_notes_takes_few_commits_and_each_OK_finds_its_note_committed()
    {
        const int burst = 300;
        var store = Sys.ActorOf(NotesStoreActor.Props(snapshotEvery: 100_000));
        for (var i = 0; i < burst; i++)
            store.Tell(new StoreNote($"note {i}", TestActor, i));
        for (var i = 0; i < burst; i++)
        {
            var stored = ExpectMsg<NoteStored>(Patience);
            Assert.Equal(i + 1, stored.Id);
            // Another connection sees a row only once the commit that holds it returned (after its fsync).
            Assert.Equal(1, ReadRow($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{NotesStoreActor.BoardPersistenceId}' AND sequence_number = {stored.Id}",
                row => row.GetInt64(0)));
        }
        Persistence.Instance.Apply(Sys).JournalFor(null).Tell(SqliteJournal.CountCommits.Instance);
        var commits = ExpectMsg<SqliteJournal.Commits>(Patience);
        Sys.Log.Info("{0} notes in {1} commits", commits.Rows, commits.Count);
        Assert.Equal(burst, commits.Rows);
        Assert.InRange(commits.Count, 1, burst / 10); // one a note is what group commit is not
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
        const int events = 12_001; // a delete of all but the last is removed in many pieces
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

    private void Write(IActorRef journal, long sequenceNr, string writer) =>
        journal.Tell(new WriteMessages([new AtomicWrite(new Persistent($"event {sequenceNr}", sequenceNr, "waiting", writerGuid: writer))], TestActor, 1));

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
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
