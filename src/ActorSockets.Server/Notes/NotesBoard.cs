using System.Collections.Immutable;
using System.Text;
using ActorSockets.Protocol.Notes;

namespace ActorSockets.Server.Notes;

/// <summary>
/// A note was accepted: the one event the store persists. <paramref name="Key"/> is its board-wide
/// idempotency key (a request tag of 16 characters or more, PROTOCOL.md section 4), or null.
/// </summary>
public sealed record NoteAdded(long Id, string Text, string? Key = null);

/// <summary>
/// The whole board at a point: note <c>i</c> has id <c>i + 1</c>; the idempotency keys it remembers,
/// oldest first, with their notes' ids (the i-th of <paramref name="Keys"/> names note the i-th of
/// <paramref name="KeyIds"/>) and when they were stored (<paramref name="KeyTimesMs"/>, Unix
/// milliseconds; missing in snapshots of earlier builds, whose keys count as stored when they are read).
/// The texts come in UTF-8 (<paramref name="Utf8Texts"/>: the board's and our serializer's), or as
/// strings (<paramref name="Texts"/>: snapshots written by Akka's default serializer, by type, which
/// must still bind to this record's shape).
/// </summary>
/// <remarks>
/// Views of the board's immutable collections, not copies (<see cref="NotesBoard.ToSnapshot"/>):
/// the board is read once, where the snapshot store serializes it, and no copy of a large board is
/// made on the store's thread or left for the collector.
/// </remarks>
public sealed record NotesSnapshot(
    IEnumerable<string>? Texts, IEnumerable<string>? Keys = null, IEnumerable<long>? KeyIds = null, IEnumerable<long>? KeyTimesMs = null,
    IEnumerable<byte[]>? Utf8Texts = null)
{
    /// <summary>The notes' texts in UTF-8, however the snapshot came.</summary>
    public IEnumerable<byte[]> TextsInUtf8 => Utf8Texts ?? (Texts ?? []).Select(Encoding.UTF8.GetBytes);
}

/// <summary>
/// The board as plain, immutable state: events in, new state out, and the reads GET needs.
/// The persistent actor around it only persists, replies and snapshots.
/// </summary>
public sealed class NotesBoard
{
    /// <summary>Idempotency keys remembered whatever their age (PROTOCOL.md section 4: at least the last 100,000).</summary>
    public const int RememberedKeys = 100_000;

    /// <summary>
    /// How long a key is remembered beyond the last <see cref="RememberedKeys"/>, as payment APIs keep
    /// theirs: a client's retry within a day finds its note, however many others post meanwhile.
    /// </summary>
    public static readonly TimeSpan KeyRetention = TimeSpan.FromHours(24);

    /// <summary>The most keys remembered, young or not: the memory bound (about 175 bytes a key of 24 characters, so 175 MB, BENCHMARKS.md).</summary>
    public const int MaxKeys = 1_000_000;

    public static readonly NotesBoard Empty = EmptyWith(RememberedKeys, MaxKeys);

    /// <summary>An empty board that keeps keys within other bounds (tests: a million keys is slow to make).</summary>
    internal static NotesBoard EmptyWith(int rememberedKeys, int maxKeys) =>
        new(AppendOnlyList<byte[]>.Empty, ImmutableDictionary<string, long>.Empty, ImmutableQueue<StoredKey>.Empty, 0, new KeyBounds(rememberedKeys, maxKeys));

    /// <summary>How many keys are kept whatever their age, and how many at most.</summary>
    private sealed record KeyBounds(int Remembered, int Max);

    /// <summary>A remembered key and when its note was stored (Unix milliseconds).</summary>
    private readonly record struct StoredKey(string Key, long AtMs);

    /// <summary>
    /// The notes' texts in UTF-8, as they came off the wire and go back onto it: half the memory of
    /// .NET's UTF-16 strings for the ASCII most notes are (a board of 40,000 notes of 1 KB: 83 MB of
    /// strings, BENCHMARKS.md).
    /// </summary>
    private readonly AppendOnlyList<byte[]> _texts;
    private readonly ImmutableDictionary<string, long> _keys;
    /// <summary>The keys in the order their notes were added, to forget the oldest; <see cref="_keyCount"/> of them.</summary>
    private readonly ImmutableQueue<StoredKey> _keyOrder;
    private readonly int _keyCount;
    private readonly KeyBounds _bounds;

    private NotesBoard(AppendOnlyList<byte[]> texts, ImmutableDictionary<string, long> keys, ImmutableQueue<StoredKey> keyOrder, int keyCount,
        KeyBounds bounds)
    {
        _bounds = bounds;
        _texts = texts;
        _keys = keys;
        _keyOrder = keyOrder;
        _keyCount = keyCount;
    }

    /// <summary>Notes on the board; the last id too, since ids are 1, 2, 3, … without gaps.</summary>
    public long Count => _texts.Count;

    /// <summary>
    /// Applies an event stored at <paramref name="atMs"/> (Unix milliseconds: when it is written, or
    /// when it is read back, since events carry no time); the ids must follow on, or the journal is
    /// not this board's. Keys older than <see cref="KeyRetention"/> beyond the last
    /// <see cref="RememberedKeys"/>, and any beyond <see cref="MaxKeys"/>, are forgotten, oldest first.
    /// </summary>
    public NotesBoard Apply(NoteAdded added, long atMs)
    {
        if (added.Id != Count + 1)
            throw new InvalidOperationException($"note {added.Id} follows note {Count}: the journal is out of order");
        var texts = _texts.Add(Encoding.UTF8.GetBytes(added.Text));
        if (added.Key is null || _keys.ContainsKey(added.Key))
            return new NotesBoard(texts, _keys, _keyOrder, _keyCount, _bounds);
        var (keys, order, count) = (_keys.Add(added.Key, added.Id), _keyOrder.Enqueue(new StoredKey(added.Key, atMs)), _keyCount + 1);
        var forgetBefore = atMs - (long)KeyRetention.TotalMilliseconds;
        while (count > _bounds.Max || (count > _bounds.Remembered && order.Peek().AtMs < forgetBefore))
        {
            order = order.Dequeue(out var oldest);
            keys = keys.Remove(oldest.Key);
            count--;
        }
        return new NotesBoard(texts, keys, order, count, _bounds);
    }

    /// <summary>The note stored under an idempotency key, if the board remembers the key.</summary>
    public Note? FindByKey(string key) =>
        _keys.TryGetValue(key, out var id) ? new Note(id, Encoding.UTF8.GetString(_texts[(int)(id - 1)])) : null;

    /// <summary>The board a snapshot holds, read at <paramref name="nowMs"/> (the time given to keys whose snapshot has none).</summary>
    public static NotesBoard From(NotesSnapshot snapshot, long nowMs)
    {
        string[] keys = [.. snapshot.Keys ?? []];
        long[] ids = [.. snapshot.KeyIds ?? []];
        long[] times = [.. snapshot.KeyTimesMs ?? []];
        var dictionary = ImmutableDictionary.CreateBuilder<string, long>();
        var order = new List<StoredKey>(keys.Length);
        for (var i = 0; i < keys.Length && i < ids.Length; i++)
        {
            dictionary[keys[i]] = ids[i];
            order.Add(new StoredKey(keys[i], i < times.Length ? times[i] : nowMs));
        }
        return new NotesBoard(AppendOnlyList<byte[]>.CreateRange(snapshot.TextsInUtf8), dictionary.ToImmutable(), ImmutableQueue.CreateRange(order), order.Count,
            Empty._bounds);
    }

    /// <summary>The board as a snapshot: views of its immutable collections, read where the snapshot is serialized.</summary>
    public NotesSnapshot ToSnapshot() =>
        new(null, _keyOrder.Select(stored => stored.Key), _keyOrder.Select(stored => _keys[stored.Key]), _keyOrder.Select(stored => stored.AtMs),
            Utf8Texts: _texts);

    /// <summary>
    /// The notes with ids after <paramref name="afterId"/> up to <paramref name="upToId"/> (the board's
    /// end when 0), oldest first: how many there are, and the first of them, at most
    /// <paramref name="maxNotes"/> and <paramref name="maxBytes"/> of text (always at least one, if any).
    /// Any ids are answered, however large: a client's <c>GET 9223372036854775807</c> is an empty range.
    /// </summary>
    public (long Remaining, IReadOnlyList<Note> Notes) Range(long afterId, long upToId, int maxNotes, int maxBytes)
    {
        var end = upToId <= 0 ? Count : Math.Min(upToId, Count);
        // Clamped to the end before any arithmetic: start + 1 below then never overflows.
        var start = Math.Clamp(afterId, 0, end);
        var remaining = end - start;
        var notes = new List<Note>();
        var bytes = 0;
        for (var id = start + 1; id <= end && notes.Count < maxNotes; id++)
        {
            var text = _texts[(int)(id - 1)];
            // Text bytes only: no page or chunk can hold more text than its own size, so this never
            // hands over too few notes; the caller cuts the exact page.
            bytes += text.Length;
            if (notes.Count > 0 && bytes > maxBytes)
                break;
            notes.Add(new Note(id, Encoding.UTF8.GetString(text)));
        }
        return (remaining, notes);
    }
}
