using System.Buffers;
using System.Runtime.Serialization;
using System.Text.Json;
using ActorSockets.Protocol.Notes;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using static ActorSockets.Server.Cluster.ClusterCountProtocol;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// Every message between nodes (<see cref="IClusterMessage"/>), as JSON of our own under a versioned
/// manifest (<c>store-note/1</c>, …): no type names on the wire, and a node of the next build reads
/// this one's bytes (fixtures of them are checked in: ClusterMessageSerializerTests). Actor refs
/// travel as Akka's serialized paths. A deadline travels as the time left, never as a wall-clock
/// instant: two machines' clocks need not agree (PROTOCOL.md section 7).
/// </summary>
public sealed partial class ClusterMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private readonly NodeClock _clock = NodeClock.Of(system);

    /// <summary>Sent with every message; never change it.</summary>
    public const int SerializerId = 7302;

    private static readonly Dictionary<Type, string> Manifests = new()
    {
        [typeof(StoreNote)] = "store-note/1",
        [typeof(NoteStored)] = "note-stored/1",
        [typeof(NoteNotStored)] = "note-not-stored/1",
        [typeof(NoteConflict)] = "note-conflict/1",
        [typeof(GetNotes)] = "get-notes/1",
        [typeof(NotesNotRead)] = "notes-not-read/1",
        [typeof(NotesChunk)] = "notes-chunk/1",
        [typeof(AskBoard)] = "ask-board/1",
        [typeof(BoardIs)] = "board-is/1",
        [typeof(ReservePlace)] = "reserve-place/1",
        [typeof(PlaceReserved)] = "place-reserved/1",
        [typeof(PlaceDenied)] = "place-denied/1",
        [typeof(CountNotReady)] = "count-not-ready/1",
        [typeof(PlaceReleased)] = "place-released/1",
        [typeof(NodeFigures)] = "node-figures/1",
        [typeof(ClusterFigures)] = "cluster-figures/1",
    };

    /// <summary>Every manifest this build writes.</summary>
    public static IReadOnlyCollection<string> AllManifests => Manifests.Values;

    /// <summary>The binding of <see cref="IClusterMessage"/> to this serializer.</summary>
    public static readonly Config Hocon = ConfigurationFactory.ParseString("""
        akka.actor {
          serializers.actor-sockets-cluster = "ActorSockets.Server.Cluster.ClusterMessageSerializer, ActorSockets.Server"
          serialization-bindings {
            "ActorSockets.Server.IClusterMessage, ActorSockets.Server" = actor-sockets-cluster
          }
        }
        """);

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var manifest) ? manifest : throw new ArgumentException($"{o.GetType()} is not a cluster message", nameof(o));

    public override byte[] ToBinary(object obj)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Write(json, obj);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var document = JsonDocument.Parse(bytes);
        var m = document.RootElement;
        return manifest switch
        {
            "store-note/1" => new StoreNote(Text(m, "text"), Ref(m, "reply-to"), Long(m, "correlation"),
                m.TryGetProperty("key", out var key) ? key.GetString() : null,
                m.TryGetProperty("time-left-ms", out var left) ? _clock.NowMs + (long)left.GetDouble() : null),
            "note-stored/1" => new NoteStored(Long(m, "id"), Long(m, "correlation")),
            "note-not-stored/1" => new NoteNotStored(Text(m, "reason"), Long(m, "correlation")),
            "note-conflict/1" => new NoteConflict(Long(m, "correlation")),
            "get-notes/1" => new GetNotes(Long(m, "after-id"), Long(m, "up-to-id"), (int)Long(m, "max-notes"), (int)Long(m, "max-bytes"),
                Ref(m, "reply-to"), Long(m, "correlation")),
            "notes-not-read/1" => new NotesNotRead(Text(m, "reason"), Long(m, "correlation")),
            "notes-chunk/1" => new NotesChunk(Long(m, "total"), Long(m, "remaining"),
                [.. m.GetProperty("notes").EnumerateArray().Select(note => new Note(Long(note, "id"), Text(note, "text")))], Long(m, "correlation")),
            "ask-board/1" => new AskBoard(Ref(m, "reply-to")),
            "board-is/1" => new BoardIs(Text(m, "identity"), Long(m, "notes")),
            "reserve-place/1" => new ReservePlace(Text(m, "node"), Long(m, "reservation"), Ref(m, "reply-to")),
            "place-reserved/1" => new PlaceReserved(Long(m, "reservation")),
            "place-denied/1" => new PlaceDenied(Long(m, "reservation")),
            "count-not-ready/1" => new CountNotReady(Long(m, "reservation")),
            "place-released/1" => new PlaceReleased(Text(m, "node")),
            "node-figures/1" => new NodeFigures(Text(m, "node"), Totals(m.GetProperty("totals")), Ref(m, "reply-to")),
            "cluster-figures/1" => new ClusterFigures(m.GetProperty("nodes").EnumerateObject().ToDictionary(node => node.Name, node => Totals(node.Value))),
            _ => throw new SerializationException($"unknown cluster message '{manifest}': sent by a newer node?"),
        };
    }


    private static NodeTotals Totals(JsonElement t) =>
        new((int)Long(t, "clients"), Long(t, "admitted"), Long(t, "refused"), Long(t, "timeouts"), Long(t, "crashes"), Long(t, "requests"));

    private static void WriteRef(Utf8JsonWriter json, string name, IActorRef actor) =>
        json.WriteString(name, Serialization.SerializedActorPath(actor));

    private IActorRef Ref(JsonElement message, string name) =>
        system.Provider.ResolveActorRef(Text(message, name));

    private static string Text(JsonElement message, string name) =>
        message.GetProperty(name).GetString() ?? throw new SerializationException($"'{name}' is null");

    private static long Long(JsonElement message, string name) => message.GetProperty(name).GetInt64();
}
