using System.Collections.Concurrent;
using System.Collections.Immutable;
using ActorSockets.Server.Notes;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>
/// Group commit, against a journal that takes its time to commit (as an fsync does) and keeps a log
/// of what each commit held: a burst of POSTs is written in a few commits, not one each, and no
/// <c>OK</c> reaches a writer before the commit that holds its note has returned.
/// </summary>
public class GroupCommitSpecs(ITestOutputHelper output) : TestKit($$"""
    akka.loglevel = INFO
    akka.persistence.journal.plugin = "spy-journal"
    spy-journal.class = "{{typeof(CommitLoggingJournal).AssemblyQualifiedName}}"
    akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
    """, output)
{
    private const int Burst = 200;

    [Fact]
    public void A_burst_of_notes_is_written_in_a_few_commits_and_each_OK_follows_its_commit()
    {
        var store = Sys.ActorOf(NotesStoreActor.Props(snapshotEvery: 100_000));
        var writers = Enumerable.Range(0, Burst).Select(_ => CreateTestProbe()).ToList();

        for (var i = 0; i < Burst; i++)
            store.Tell(new StoreNote($"note {i}", writers[i].Ref, i));

        var ids = new HashSet<long>();
        for (var i = 0; i < Burst; i++)
        {
            var stored = writers[i].ExpectMsg<NoteStored>(TimeSpan.FromSeconds(20));
            Assert.Equal(i, stored.Correlation);
            // Read when the OK has arrived: the commit that holds the note must have returned by then.
            Assert.True(CommitLoggingJournal.Committed(Sys).Contains(stored.Id),
                $"note {stored.Id} was acknowledged before the commit that holds it returned");
            Assert.True(ids.Add(stored.Id));
        }
        Assert.Equal(Enumerable.Range(1, Burst).Select(id => (long)id), ids.Order());

        var commits = CommitLoggingJournal.Commits(Sys);
        Sys.Log.Info("{0} notes in {1} commits", Burst, commits);
        // One commit in flight at a time: the first holds the first note, the next everything that
        // arrived meanwhile. A few more allowed for a busy machine; one per note is what is not.
        Assert.InRange(commits, 1, Burst / 10);
    }

    [Fact]
    public void A_snapshot_taken_while_later_notes_are_being_written_recovers_every_note()
    {
        // Snapshots at 10, 20, 40, ... of a burst whose notes are confirmed many at a time: a snapshot
        // must hold exactly the notes its sequence number says, or recovery skips or repeats some.
        var store = Sys.ActorOf(NotesStoreActor.Props(snapshotEvery: 10));
        for (var i = 0; i < Burst; i++)
            store.Tell(new StoreNote($"note {i}", TestActor, i));
        for (var i = 0; i < Burst; i++)
            ExpectMsg<NoteStored>(TimeSpan.FromSeconds(20));

        Watch(store);
        Sys.Stop(store);
        ExpectTerminated(store);
        var recovered = Sys.ActorOf(NotesStoreActor.Props(snapshotEvery: 10));
        recovered.Tell(new GetNotes(0, 0, 1000, 1 << 20, TestActor, 1));
        var chunk = ExpectMsg<NotesChunk>(TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(1, Burst).Select(id => (long)id), chunk.Notes.Select(note => note.Id));
        recovered.Tell(new StoreNote("after", TestActor, 0));
        Assert.Equal(Burst + 1, ExpectMsg<NoteStored>().Id);
    }

    /// <summary>
    /// Akka.Persistence's in-memory journal, slowed to 20 ms a commit, logging the sequence numbers
    /// (the notes' ids: one event per note, from 1) of every commit once it is done.
    /// </summary>
    public sealed class CommitLoggingJournal : MemoryJournal
    {
        private static readonly ConcurrentDictionary<string, ConcurrentDictionary<long, bool>> CommittedBySystem = new();
        private static readonly ConcurrentDictionary<string, int> CommitsBySystem = new();

        public static ICollection<long> Committed(ActorSystem system) => CommittedBySystem.GetOrAdd(system.Name, _ => new()).Keys;

        public static int Commits(ActorSystem system) => CommitsBySystem.GetValueOrDefault(system.Name);

        protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
        {
            var writes = messages.ToList();
            var system = Context.System.Name; // the actor's context is not there after an await
            await Task.Delay(20);
            var result = await base.WriteMessagesAsync(writes, cancellationToken);
            var committed = CommittedBySystem.GetOrAdd(system, _ => new());
            foreach (var write in writes)
            {
                foreach (var persistent in (IImmutableList<IPersistentRepresentation>)write.Payload)
                    committed[persistent.SequenceNr] = true;
            }
            CommitsBySystem.AddOrUpdate(system, 1, (_, count) => count + 1);
            return result;
        }
    }
}
