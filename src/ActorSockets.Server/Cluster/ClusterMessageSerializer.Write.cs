using System.Text.Json;
using ActorSockets.Protocol.Notes;
using static ActorSockets.Server.Cluster.ClusterCountProtocol;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Cluster;

/// <summary>The serializer's writing side: each message's fields as JSON, no type names.</summary>
public sealed partial class ClusterMessageSerializer
{
    private void Write(Utf8JsonWriter json, object message)
    {
        if (!WriteNoteMessage(json, message) && !WriteReadMessage(json, message) && !WriteCountMessage(json, message))
            throw new ArgumentException($"{message.GetType()} is not a cluster message", nameof(message));
    }

    /// <summary>A note to store and its answers; false for a message of another kind.</summary>
    private bool WriteNoteMessage(Utf8JsonWriter json, object message)
    {
        switch (message)
        {
            case StoreNote store:
                json.WriteString("text", store.Text);
                WriteRef(json, "reply-to", store.ReplyTo);
                json.WriteNumber("correlation", store.Correlation);
                if (store.Key is not null)
                    json.WriteString("key", store.Key);
                if (store.NotAfterMs is { } notAfterMs)
                    json.WriteNumber("time-left-ms", notAfterMs - _clock.NowMs);
                return true;
            case NoteStored stored:
                json.WriteNumber("id", stored.Id);
                json.WriteNumber("correlation", stored.Correlation);
                return true;
            case NoteNotStored notStored:
                json.WriteString("reason", notStored.Reason);
                json.WriteNumber("correlation", notStored.Correlation);
                return true;
            case NoteConflict conflict:
                json.WriteNumber("correlation", conflict.Correlation);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads of the board and its identity, and their answers; false for a message of another kind.</summary>
    private static bool WriteReadMessage(Utf8JsonWriter json, object message)
    {
        switch (message)
        {
            case GetNotes get:
                json.WriteNumber("after-id", get.AfterId);
                json.WriteNumber("up-to-id", get.UpToId);
                json.WriteNumber("max-notes", get.MaxNotes);
                json.WriteNumber("max-bytes", get.MaxBytes);
                WriteRef(json, "reply-to", get.ReplyTo);
                json.WriteNumber("correlation", get.Correlation);
                return true;
            case NotesNotRead notRead:
                json.WriteString("reason", notRead.Reason);
                json.WriteNumber("correlation", notRead.Correlation);
                return true;
            case NotesChunk chunk:
                json.WriteNumber("total", chunk.Total);
                json.WriteNumber("remaining", chunk.Remaining);
                WriteNotes(json, chunk.Notes);
                json.WriteNumber("correlation", chunk.Correlation);
                return true;
            case AskBoard ask:
                WriteRef(json, "reply-to", ask.ReplyTo);
                return true;
            case BoardIs board:
                json.WriteString("identity", board.Identity);
                json.WriteNumber("notes", board.Notes);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The clients count's messages; false for a message of another kind.</summary>
    private static bool WriteCountMessage(Utf8JsonWriter json, object message)
    {
        switch (message)
        {
            case ReservePlace reserve:
                json.WriteString("node", reserve.Node);
                json.WriteNumber("reservation", reserve.Reservation);
                WriteRef(json, "reply-to", reserve.ReplyTo);
                return true;
            case PlaceReserved or PlaceDenied or CountNotReady:
                json.WriteNumber("reservation", message switch
                {
                    PlaceReserved reserved => reserved.Reservation,
                    PlaceDenied denied => denied.Reservation,
                    _ => ((CountNotReady)message).Reservation,
                });
                return true;
            case PlaceReleased released:
                json.WriteString("node", released.Node);
                return true;
            case NodeFigures figures:
                json.WriteString("node", figures.Node);
                json.WritePropertyName("totals");
                WriteTotals(json, figures.Totals);
                WriteRef(json, "reply-to", figures.ReplyTo);
                return true;
            case ClusterFigures cluster:
                json.WriteStartObject("nodes");
                foreach (var (node, totals) in cluster.Nodes)
                {
                    json.WritePropertyName(node);
                    WriteTotals(json, totals);
                }
                json.WriteEndObject();
                return true;
            default:
                return false;
        }
    }

    private static void WriteNotes(Utf8JsonWriter json, IReadOnlyList<Note> notes)
    {
        json.WriteStartArray("notes");
        foreach (var note in notes)
        {
            json.WriteStartObject();
            json.WriteNumber("id", note.Id);
            json.WriteString("text", note.Text);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteTotals(Utf8JsonWriter json, NodeTotals totals)
    {
        json.WriteStartObject();
        json.WriteNumber("clients", totals.Clients);
        json.WriteNumber("admitted", totals.Admitted);
        json.WriteNumber("refused", totals.Refused);
        json.WriteNumber("timeouts", totals.Timeouts);
        json.WriteNumber("crashes", totals.Crashes);
        json.WriteNumber("requests", totals.Requests);
        json.WriteEndObject();
    }
}
