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
/// oldest first, with their notes' ids (<paramref name="Keys"/>[i] names note <paramref name="KeyIds"/>[i]).
/// </summary>
public sealed record NotesSnapshot(string[] Texts, string[]? Keys = null, long[]? KeyIds = null);

/// <summary>
/// The board as plain, immutable state: events in, new state out, and the reads GET needs.
/// The persistent actor around it only persists, replies and snapshots.
/// </summary>
public sealed class NotesBoard
{
    /// <summary>Idempotency keys remembered at least (PROTOCOL.md section 4); the oldest are forgotten first.</summary>
    public const int RememberedKeys = 100_000;

    public static readonly NotesBoard Empty = new(ImmutableList<string>.Empty, ImmutableDictionary<string, long>.Empty, ImmutableQueue<string>.Empty, 0);

    private readonly ImmutableList<string> _texts;
    private readonly ImmutableDictionary<string, long> _keys;
    /// <summary>The keys in the order their notes were added, to forget the oldest; <see cref="_keyCount"/> of them.</summary>
    private readonly ImmutableQueue<string> _keyOrder;
    private readonly int _keyCount;

    private NotesBoard(ImmutableList<string> texts, ImmutableDictionary<string, long> keys, ImmutableQueue<string> keyOrder, int keyCount)
    {
        _texts = texts;
        _keys = keys;
        _keyOrder = keyOrder;
        _keyCount = keyCount;
    }

    /// <summary>Notes on the board; the last id too, since ids are 1, 2, 3, … without gaps.</summary>
    public long Count => _texts.Count;

    /// <summary>Applies an event; the ids must follow on, or the journal is not this board's.</summary>
    public NotesBoard Apply(NoteAdded added)
    {
        if (added.Id != Count + 1)
            throw new InvalidOperationException($"note {added.Id} follows note {Count}: the journal is out of order");
        var texts = _texts.Add(added.Text);
        if (added.Key is null || _keys.ContainsKey(added.Key))
            return new NotesBoard(texts, _keys, _keyOrder, _keyCount);
        var (keys, order, count) = (_keys.Add(added.Key, added.Id), _keyOrder.Enqueue(added.Key), _keyCount + 1);
        if (count > RememberedKeys)
        {
            order = order.Dequeue(out var oldest);
            keys = keys.Remove(oldest);
            count--;
        }
        return new NotesBoard(texts, keys, order, count);
    }

    /// <summary>The note stored under an idempotency key, if the board remembers the key.</summary>
    public Note? FindByKey(string key) =>
        _keys.TryGetValue(key, out var id) ? new Note(id, _texts[(int)(id - 1)]) : null;

    public static NotesBoard From(NotesSnapshot snapshot)
    {
        var board = new NotesBoard(ImmutableList.CreateRange(snapshot.Texts), ImmutableDictionary<string, long>.Empty, ImmutableQueue<string>.Empty, 0);
        var keys = snapshot.Keys ?? [];
        var ids = snapshot.KeyIds ?? [];
        var dictionary = ImmutableDictionary.CreateBuilder<string, long>();
        for (var i = 0; i < keys.Length && i < ids.Length; i++)
            dictionary[keys[i]] = ids[i];
        return new NotesBoard(board._texts, dictionary.ToImmutable(), ImmutableQueue.CreateRange(keys), keys.Length);
    }

    public NotesSnapshot ToSnapshot() => new([.. _texts], [.. _keyOrder], [.. _keyOrder.Select(key => _keys[key])]);

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
            bytes += Encoding.UTF8.GetByteCount(text);
            if (notes.Count > 0 && bytes > maxBytes)
                break;
            notes.Add(new Note(id, text));
        }
        return (remaining, notes);
    }
}
