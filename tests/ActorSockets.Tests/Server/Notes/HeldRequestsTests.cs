using ActorSockets.Server;
using ActorSockets.Server.Notes;
using Akka.TestKit.Xunit2;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>Requests held while no store serves: handed on in order, refused when overdue, too many, or the store moves.</summary>
public sealed class HeldRequestsTests : TestKit
{
    [Fact]
    public void Held_requests_go_on_to_the_store_in_arrival_order_as_from_their_clients()
    {
        var held = new HeldRequests();
        var (client, store) = (CreateTestProbe(), CreateTestProbe());
        var note = new StoreNote("first", client.Ref, 1);
        var read = new GetNotes(0, 0, 10, 1000, client.Ref, 2);
        held.Hold(note, TimeSpan.FromSeconds(5), nowMs: 0, "unused");
        held.Hold(read, TimeSpan.FromSeconds(1), nowMs: 0, "unused");
        held.HandOnTo(store.Ref);
        Assert.Equal(note, store.ExpectMsg<StoreNote>());
        Assert.Equal(client.Ref, store.LastSender);
        Assert.Equal(read, store.ExpectMsg<GetNotes>());
        Assert.Equal(0, held.Queue.Count);
    }

    [Fact]
    public void An_overdue_request_is_refused_with_the_reason_and_the_others_wait_on()
    {
        var held = new HeldRequests();
        var client = CreateTestProbe();
        held.Hold(new StoreNote("short", client.Ref, 1), TimeSpan.FromSeconds(1), nowMs: 0, "unused");
        held.Hold(new GetNotes(0, 0, 10, 1000, client.Ref, 2), TimeSpan.FromSeconds(5), nowMs: 0, "unused");
        held.RefuseOverdue(nowMs: 1_000, "the disk is full");
        Assert.Equal(new NoteNotStored("the disk is full", 1), client.ExpectMsg<NoteNotStored>());
        held.RefuseAll("the store moves");
        Assert.Equal(new NotesNotRead("the store moves", 2), client.ExpectMsg<NotesNotRead>());
    }

    [Fact]
    public void Past_its_bound_a_request_is_refused_at_once()
    {
        var held = new HeldRequests();
        var client = CreateTestProbe();
        for (var i = 0; i < ServerTuning.StoreMaxWaiting; i++)
            held.Hold(new StoreNote("waits", client.Ref, i), TimeSpan.FromSeconds(5), nowMs: 0, "unused");
        held.Hold(new StoreNote("one too many", client.Ref, -1), TimeSpan.FromSeconds(5), nowMs: 0, "too many wait");
        Assert.Equal(new NoteNotStored("too many wait", -1), client.ExpectMsg<NoteNotStored>());
        Assert.Equal(ServerTuning.StoreMaxWaiting, held.Queue.Count);
    }
}
