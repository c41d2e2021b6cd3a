using ActorSockets.Protocol.Notes;
using ActorSockets.Server.Notes;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>The notes store on Akka.Persistence's in-memory journal and snapshot store.</summary>
public class NotesStoreSpecs(ITestOutputHelper output) : TestKit("""
    akka.loglevel = INFO
    akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
    akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
    """, output)
{
    private IActorRef StartStore(int snapshotEvery = 1000) => Sys.ActorOf(NotesStoreActor.Props(snapshotEvery));

    private long Store(IActorRef store, string text)
    {
        store.Tell(new StoreNote(text, TestActor, 7));
        var stored = ExpectMsg<NoteStored>();
        Assert.Equal(7, stored.Correlation);
        return stored.Id;
    }

    private NotesChunk Get(IActorRef store, long after = 0, long upTo = 0, int maxNotes = 1000, int maxBytes = 1 << 20)
    {
        store.Tell(new GetNotes(after, upTo, maxNotes, maxBytes, TestActor, 9));
        return ExpectMsg<NotesChunk>(chunk => Assert.Equal(9, chunk.Correlation));
    }

    private void Restart(ref IActorRef store, int snapshotEvery = 1000)
    {
        Watch(store);
        Sys.Stop(store);
        ExpectTerminated(store);
        store = StartStore(snapshotEvery);
    }

    [Fact]
    public void Store_should_confirm_each_note_with_the_next_id_after_persisting_it()
    {
        var store = StartStore();
        Assert.Equal(1, Store(store, "first"));
        Assert.Equal(2, Store(store, "second"));
        var chunk = Get(store);
        Assert.Equal(2, chunk.Total);
        Assert.Equal([new Note(1, "first"), new Note(2, "second")], chunk.Notes);
    }

    [Fact]
    public void Store_should_answer_many_writers_at_once_each_with_its_own_id()
    {
        var store = StartStore();
        var writers = Enumerable.Range(0, 50).Select(_ => CreateTestProbe()).ToList();
        for (var i = 0; i < writers.Count; i++)
            store.Tell(new StoreNote($"note {i}", writers[i].Ref, i));
        var ids = writers.Select(w => w.ExpectMsg<NoteStored>().Id).ToList();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), ids.Order());
        Assert.All(Get(store).Notes, n => Assert.Equal($"note {ids.IndexOf(n.Id)}", n.Text));
    }

    [Fact]
    public void Store_should_rebuild_the_board_exactly_from_its_events()
    {
        var store = StartStore();
        var texts = new[] { "a", "żółw 🐢", "  spaced  ", "\"quoted\"" };
        foreach (var text in texts)
            Store(store, text);
        Restart(ref store);
        Assert.Equal(texts.Select((t, i) => new Note(i + 1, t)), Get(store).Notes);
        Assert.Equal(5, Store(store, "next"));
    }

    [Fact]
    public void Store_should_snapshot_every_n_notes_and_recover_from_the_snapshot_and_later_events()
    {
        var store = StartStore(snapshotEvery: 3);
        for (var i = 1; i <= 7; i++)
            Store(store, $"n{i}");

        AwaitAssert(() =>
        {
            Persistence.Instance.Apply(Sys).SnapshotStoreFor(null).Tell(
                new LoadSnapshot(NotesStoreActor.BoardPersistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue), TestActor);
            var loaded = ExpectMsg<LoadSnapshotResult>();
            // At 3 or 6: a snapshot is skipped while the previous one is still being written.
            Assert.Contains(loaded.Snapshot?.Metadata.SequenceNr ?? 0, new long[] { 3, 6 });
            Assert.Equal(loaded.Snapshot!.Metadata.SequenceNr, ((NotesSnapshot)loaded.Snapshot.Snapshot).TextsInUtf8.Count());
        }, TimeSpan.FromSeconds(5));

        Restart(ref store, snapshotEvery: 3);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => new Note(i, $"n{i}")), Get(store).Notes);
        Assert.Equal(8, Store(store, "n8"));
    }

    [Fact]
    public void A_snapshot_is_due_once_the_board_has_doubled_or_grown_by_the_most_a_recovery_replays()
    {
        var (held, written) = (0L, 0L);
        var taken = new List<long>();
        for (var notes = 1L; notes <= 1_000_000; notes++)
        {
            if (!NotesStoreActor.SnapshotDue(notes, held, atLeast: 5000))
                continue;
            taken.Add(notes);
            written += notes;
            held = notes;
        }
        Assert.Equal([5000L, 10_000, 20_000, 40_000, 80_000, 160_000, 260_000, 360_000], taken.Take(8));
        Assert.Equal(960_000, taken[^1]);
        Assert.All(taken.Zip(taken.Skip(1)), pair => Assert.InRange(pair.Item2 - pair.Item1, 5000, NotesStoreActor.MostEventsReplayed));
        Assert.Equal(5_195_000, written); // every 5000 notes: 200 snapshots, 100 million notes written
    }

    [Fact]
    public void A_key_stores_one_note_whoever_retries_it_and_refuses_another_text_across_restarts_and_snapshots()
    {
        var store = StartStore(snapshotEvery: 3);
        var (first, second) = (CreateTestProbe(), CreateTestProbe());
        // A retry that overtakes the first write waits for the same note.
        store.Tell(new StoreNote("once", first.Ref, 1, "client-a-0000000001"));
        store.Tell(new StoreNote("once", second.Ref, 2, "client-a-0000000001"));
        Assert.Equal(new NoteStored(1, 1), first.ExpectMsg<NoteStored>());
        Assert.Equal(new NoteStored(1, 2), second.ExpectMsg<NoteStored>());
        store.Tell(new StoreNote("another text", TestActor, 3, "client-a-0000000001"));
        Assert.Equal(new NoteConflict(3), ExpectMsg<NoteConflict>());
        Assert.Equal(2, Store(store, "no key"));
        Assert.Equal(3, Store(store, "third, and the snapshot")); // a snapshot at 3 holds the key

        Restart(ref store, snapshotEvery: 3);
        store.Tell(new StoreNote("once", TestActor, 4, "client-a-0000000001"));
        Assert.Equal(new NoteStored(1, 4), ExpectMsg<NoteStored>());
        store.Tell(new StoreNote("four", TestActor, 5, "client-b-0000000001"));
        Assert.Equal(new NoteStored(4, 5), ExpectMsg<NoteStored>());
        Restart(ref store, snapshotEvery: 3);
        store.Tell(new StoreNote("four", TestActor, 6, "client-b-0000000001")); // from the events after the snapshot
        Assert.Equal(new NoteStored(4, 6), ExpectMsg<NoteStored>());
        Assert.Equal(4, Get(store).Total);
    }

    [Fact]
    public void Store_should_read_ranges_in_chunks_bounded_by_count_and_bytes()
    {
        var store = StartStore();
        for (var i = 1; i <= 10; i++)
            Store(store, new string('x', 100));
        var chunk = Get(store, after: 2, upTo: 8, maxNotes: 3);
        Assert.Equal((10L, 6L), (chunk.Total, chunk.Remaining));
        Assert.Equal([3L, 4L, 5L], chunk.Notes.Select(n => n.Id));
        Assert.Single(Get(store, maxBytes: 10).Notes); // always at least one
        Assert.Empty(Get(store, after: 10).Notes);
    }

    [Fact]
    public void A_board_at_its_limit_refuses_new_notes_and_still_answers_a_retry_of_a_stored_one()
    {
        var store = Sys.ActorOf(NotesStoreActor.Props(snapshotEvery: 1000, maxNotes: 2));
        store.Tell(new StoreNote("first", TestActor, 1, Key: "a-board-wide-key-1"));
        Assert.Equal(1, ExpectMsg<NoteStored>().Id);
        Assert.Equal(2, Store(store, "second"));

        store.Tell(new StoreNote("third", TestActor, 3));
        Assert.Equal(ActorSockets.Protocol.Replies.BoardFull(2), ExpectMsg<NoteNotStored>().Reason);
        store.Tell(new StoreNote("first", TestActor, 4, Key: "a-board-wide-key-1"));
        Assert.Equal(1, ExpectMsg<NoteStored>().Id);
        Assert.Equal(2, Get(store).Total);
    }
}

public class NotesBoardTests
{
    [Fact]
    public void The_board_refuses_an_event_out_of_order() =>
        Assert.Throws<InvalidOperationException>(() => NotesBoard.Empty.Apply(new NoteAdded(2, "x"), 0));

    private static readonly long Day = (long)NotesBoard.KeyRetention.TotalMilliseconds;

    private static NotesBoard WithKeys(NotesBoard board, int from, int to, long atMs)
    {
        for (var id = from; id <= to; id++)
            board = board.Apply(new NoteAdded(id, "n", $"key-{id:D12}"), atMs);
        return board;
    }

    [Fact]
    public void A_key_younger_than_a_day_is_remembered_beyond_the_last_100000()
    {
        var board = WithKeys(NotesBoard.Empty, 1, NotesBoard.RememberedKeys + 2, atMs: 0);
        Assert.Equal(new ActorSockets.Protocol.Notes.Note(1, "n"), board.FindByKey("key-000000000001"));
        Assert.NotNull(NotesBoard.From(board.ToSnapshot(), Day).FindByKey("key-000000000001"));
    }

    [Fact]
    public void Keys_older_than_a_day_are_forgotten_oldest_first_but_never_the_last_100000()
    {
        var board = WithKeys(NotesBoard.Empty, 1, NotesBoard.RememberedKeys, atMs: 0);
        board = WithKeys(board, NotesBoard.RememberedKeys + 1, NotesBoard.RememberedKeys + 2, atMs: Day + 1);
        Assert.Null(board.FindByKey("key-000000000001"));
        Assert.Null(board.FindByKey("key-000000000002"));
        Assert.Equal(new ActorSockets.Protocol.Notes.Note(3, "n"), board.FindByKey("key-000000000003"));
        // The times go into the snapshot: read a day later still, the old keys are not young again.
        var read = NotesBoard.From(board.ToSnapshot(), 2 * Day);
        Assert.NotNull(read.FindByKey($"key-{NotesBoard.RememberedKeys + 2:D12}"));
        Assert.Null(WithKeys(read, NotesBoard.RememberedKeys + 3, NotesBoard.RememberedKeys + 3, 2 * Day).FindByKey("key-000000000003"));
    }

    [Fact]
    public void No_more_keys_than_the_bound_are_kept_however_young()
    {
        var board = WithKeys(NotesBoard.EmptyWith(rememberedKeys: 10, maxKeys: 100), 1, 101, atMs: 0);
        Assert.Null(board.FindByKey("key-000000000001"));
        Assert.NotNull(board.FindByKey("key-000000000002"));
    }

    [Fact]
    public void A_snapshot_of_an_earlier_build_without_key_times_keeps_its_keys_as_stored_when_read()
    {
        var snapshot = new NotesSnapshot(["a", "b"], ["key-000000000001"], [1]);
        var board = NotesBoard.From(snapshot, nowMs: 5 * Day);
        Assert.NotNull(WithKeys(board, 3, 3, 5 * Day + 1).FindByKey("key-000000000001"));
    }

    [Theory]
    [InlineData(long.MaxValue, 0L)]
    [InlineData(long.MaxValue - 1, 0L)]
    [InlineData(long.MaxValue, 1L)]
    [InlineData(3L, 0L)]
    [InlineData(4L, 2L)]
    public void Any_range_past_the_end_is_empty_and_never_throws(long afterId, long upToId)
    {
        var board = NotesBoard.Empty.Apply(new NoteAdded(1, "a"), 0).Apply(new NoteAdded(2, "b"), 0).Apply(new NoteAdded(3, "c"), 0);
        var (remaining, notes) = board.Range(afterId, upToId, 10, 1000);
        Assert.Equal(0, remaining);
        Assert.Empty(notes);
    }

    [Fact]
    public void A_snapshot_round_trips_the_board()
    {
        var board = NotesBoard.Empty.Apply(new NoteAdded(1, "a"), 0).Apply(new NoteAdded(2, "b"), 0);
        var again = NotesBoard.From(board.ToSnapshot(), 0);
        Assert.Equal(board.Range(0, 0, 10, 1000).Notes, again.Range(0, 0, 10, 1000).Notes);
    }
}
