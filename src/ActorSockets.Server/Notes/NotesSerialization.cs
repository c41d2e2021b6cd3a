using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace ActorSockets.Server.Notes;

/// <summary>
/// How the board's events and snapshots are written to the journal: a JSON shape of our own, named
/// by a versioned manifest (<c>note-added/1</c>, <c>notes-snapshot/1</c>), never by .NET type names.
/// Akka's default serializer stored the type's full name, so renaming or moving a class would have
/// made every board written before unreadable. Rows written that way (by builds before this one)
/// keep their serializer's id in the journal and are still read by it.
/// </summary>
public sealed class NotesSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Stored with every row; never change it, or rows written with it cannot be read.</summary>
    public const int SerializerId = 7301;
    private const string NoteAddedV1 = "note-added/1";
    private const string SnapshotV1 = "notes-snapshot/1";

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        NoteAdded => NoteAddedV1,
        NotesSnapshot => SnapshotV1,
        _ => throw new ArgumentException($"{o.GetType()} is not a notes event or snapshot", nameof(o)),
    };

    /// <summary>
    /// The JSON of an event, or of a snapshot in an array of exactly its size: a snapshot is written
    /// once to count its bytes, then into that array. A snapshot of a large board is tens of
    /// megabytes, and a growing buffer would leave every size it passed through, and a copy, on the
    /// large-object heap.
    /// </summary>
    public override byte[] ToBinary(object obj)
    {
        if (obj is not NotesSnapshot)
        {
            // An event a note: the thread's writer and buffer again, not two new ones and a buffer each.
            var (buffer, json) = t_eventWriter ??= (new System.Buffers.ArrayBufferWriter<byte>(), new Utf8JsonWriter(Stream.Null));
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            Write(obj, json);
            return buffer.WrittenSpan.ToArray();
        }
        var counter = new ByteCounter();
        using (var json = new Utf8JsonWriter(counter))
            Write(obj, json);
        var bytes = new byte[counter.Length];
        using (var json = new Utf8JsonWriter(new MemoryStream(bytes)))
            Write(obj, json);
        return bytes;
    }

    [ThreadStatic] private static (System.Buffers.ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Json)? t_eventWriter;

    /// <summary>Writes <paramref name="obj"/> as one JSON object and flushes it to the writer's output.</summary>
    private static void Write(object obj, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        switch (obj)
        {
            case NoteAdded added:
                json.WriteNumber("id", added.Id);
                json.WriteString("text", added.Text);
                if (added.Key is not null)
                    json.WriteString("key", added.Key);
                break;
            case NotesSnapshot snapshot:
                WriteArray(json, "texts", snapshot.TextsInUtf8, text => json.WriteStringValue(text.AsSpan())); // UTF-8 as it is
                WriteArray(json, "keys", snapshot.Keys ?? [], json.WriteStringValue);
                WriteArray(json, "key-ids", snapshot.KeyIds ?? [], json.WriteNumberValue);
                WriteArray(json, "key-times-ms", snapshot.KeyTimesMs ?? [], json.WriteNumberValue);
                break;
            default:
                throw new ArgumentException($"{obj.GetType()} is not a notes event or snapshot", nameof(obj));
        }
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>A stream that only counts what is written to it.</summary>
    private sealed class ByteCounter : Stream
    {
        public override long Length => _length;
        private long _length;
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private const int FlushBytes = 64 * 1024;

    private static void WriteArray<T>(Utf8JsonWriter json, string name, IEnumerable<T> values, Action<T> write)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            write(value);
            // Into the stream as it goes: the writer would otherwise hold the whole snapshot in a growing buffer.
            if (json.BytesPending > FlushBytes)
                json.Flush();
        }
        json.WriteEndArray();
    }

    private static IEnumerable<string> Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var array) ? array.EnumerateArray().Select(item => item.GetString()!) : [];

    private static long[] Longs(JsonElement root, string name) =>
        root.TryGetProperty(name, out var array) ? [.. array.EnumerateArray().Select(item => item.GetInt64())] : [];

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        return manifest switch
        {
            // Fields added later are optional, so rows written before them still read.
            NoteAddedV1 => new NoteAdded(root.GetProperty("id").GetInt64(), root.GetProperty("text").GetString()!,
                root.TryGetProperty("key", out var key) ? key.GetString() : null),
            SnapshotV1 => new NotesSnapshot(null, [.. Strings(root, "keys")], Longs(root, "key-ids"), Longs(root, "key-times-ms"),
                Utf8Texts: [.. Strings(root, "texts").Select(System.Text.Encoding.UTF8.GetBytes)]),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown notes manifest '{manifest}': written by a newer server?"),
        };
    }
}

/// <summary>The binding of the board's persisted types to <see cref="NotesSerializer"/>.</summary>
public static class NotesSerialization
{
    public static readonly Config Hocon = ConfigurationFactory.ParseString("""
        akka.actor {
          serializers.actor-sockets-notes = "ActorSockets.Server.Notes.NotesSerializer, ActorSockets.Server"
          serialization-bindings {
            "ActorSockets.Server.Notes.NoteAdded, ActorSockets.Server" = actor-sockets-notes
            "ActorSockets.Server.Notes.NotesSnapshot, ActorSockets.Server" = actor-sockets-notes
          }
        }
        """);
}
