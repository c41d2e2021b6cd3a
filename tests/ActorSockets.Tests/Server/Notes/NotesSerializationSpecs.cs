using ActorSockets.Protocol.Notes;
using ActorSockets.Server.Notes;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Xunit.Abstractions;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>
/// Boards outlive builds: a board written before the explicit serializer binding (a fixture made by
/// that build: a snapshot at note 3, events 4 and 5) still loads, and what is written now is stored
/// under our own versioned manifests, not .NET type names.
/// </summary>
public sealed class NotesSerializationSpecs : NotesDatabaseTestKit
{
    private static readonly string[] FixtureTexts =
        ["first note", "\"quoted\" and ünïcödé ✓", "third: the snapshot after it", "fourth, after the snapshot", "fifth with\ttab"];

    public NotesSerializationSpecs(ITestOutputHelper output) : this(new TempFolder(), output) { }

    private NotesSerializationSpecs(TempFolder folder, ITestOutputHelper output) : base(folder, CopyFixture(folder), output) { }

    private static NotesDatabase CopyFixture(TempFolder folder)
    {
        var path = folder.File("notes.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "notes-board-v1.db"), path);
        return NotesDatabase.Open(path);
    }

    [Fact]
    public void A_board_written_by_the_build_before_the_binding_loads_and_new_notes_follow_on()
    {
        var store = Sys.ActorOf(NotesStoreActor.Props(snapshotEvery: 3));
        Assert.Equal(FixtureTexts, ReadAll(store).Select(note => note.Text));
        Assert.Equal(("", 1), EventFormat(5)); // written by Akka's default serializer, and read as before

        store.Tell(new StoreNote("sixth, written now", TestActor, 1));
        Assert.Equal(new NoteStored(6, 1), ExpectMsg<NoteStored>());

        // Note 6 is the third since the snapshot at 3: a new snapshot, in the new format too.
        AwaitAssert(() => Assert.Equal(("notes-snapshot/1", NotesSerializer.SerializerId), LatestSnapshotFormat()),
            TimeSpan.FromSeconds(10));
        // The events that snapshot holds leave the journal (the highest stays, marked deleted).
        AwaitAssert(() => Assert.Equal(("6", 1), Query("SELECT group_concat(sequence_number), COUNT(*) FROM journal")),
            TimeSpan.FromSeconds(10));

        Watch(store);
        Sys.Stop(store);
        ExpectTerminated(store);
        var restarted = Sys.ActorOf(NotesStoreActor.Props(snapshotEvery: 3));
        Assert.Equal([.. FixtureTexts, "sixth, written now"], ReadAll(restarted).Select(note => note.Text));

        // A board-wide key survives the journal: written with the note, read back after a restart.
        restarted.Tell(new StoreNote("seventh, keyed", TestActor, 2, "a-key-of-16-chars"));
        Assert.Equal(new NoteStored(7, 2), ExpectMsg<NoteStored>());
        Assert.Equal(("note-added/1", NotesSerializer.SerializerId), EventFormat(7));
        Watch(restarted);
        Sys.Stop(restarted);
        ExpectTerminated(restarted);
        var again = Sys.ActorOf(NotesStoreActor.Props(snapshotEvery: 3));
        again.Tell(new StoreNote("seventh, keyed", TestActor, 3, "a-key-of-16-chars"));
        Assert.Equal(new NoteStored(7, 3), ExpectMsg<NoteStored>(TimeSpan.FromSeconds(10)));
    }

    private IReadOnlyList<Note> ReadAll(IActorRef store)
    {
        store.Tell(new GetNotes(0, 0, 100, 1 << 20, TestActor, 9));
        return ExpectMsg<NotesChunk>(TimeSpan.FromSeconds(10)).Notes;
    }

    private (string Manifest, long Serializer) EventFormat(long sequenceNr) =>
        Query($"SELECT manifest, identifier FROM journal WHERE sequence_number = {sequenceNr}");

    private (string Manifest, long Serializer) LatestSnapshotFormat() =>
        Query("SELECT manifest, serializer_id FROM snapshot ORDER BY sequence_number DESC LIMIT 1");

    private (string, long) Query(string sql) =>
        ReadRow(sql, row => (row.IsDBNull(0) ? "" : row.GetString(0), row.GetInt64(1)));
}
