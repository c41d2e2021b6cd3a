using System.Collections.Immutable;
using System.Text;
using ActorSockets.Protocol.Notes;

namespace ActorSockets.Server.Notes;

/// <summary>A note was accepted: the one event the store persists.</summary>
public sealed record NoteAdded(long Id, string Text);

/// <summary>The whole board at a point: note <c>i</c> has id <c>i + 1</c>.</summary>
public sealed record NotesSnapshot(string[] Texts);

/// <summary>
/// The board as plain, immutable state: events in, new state out, and the reads GET needs.
/// The persistent actor around it only persists, replies and snapshots.
/// </summary>
public sealed class NotesBoard
{
    public static readonly NotesBoard Empty = new(ImmutableList<string>.Empty);

    private readonly ImmutableList<string> _texts;

    private NotesBoard(ImmutableList<string> texts) => _texts = texts;

    /// <summary>Notes on the board; the last id too, since ids are 1, 2, 3, … without gaps.</summary>
    public long Count => _texts.Count;

    /// <summary>Applies an event; the ids must follow on, or the journal is not this board's.</summary>
    public NotesBoard Apply(NoteAdded added) => added.Id == Count + 1
        ? new NotesBoard(_texts.Add(added.Text))
        : throw new InvalidOperationException($"note {added.Id} follows note {Count}: the journal is out of order");

    public static NotesBoard From(NotesSnapshot snapshot) => new(ImmutableList.CreateRange(snapshot.Texts));

    public NotesSnapshot ToSnapshot() => new([.. _texts]);

    /// <summary>
    /// The notes with ids after <paramref name="afterId"/> up to <paramref name="upToId"/> (the board's
    /// end when 0), oldest first: how many there are, and the first of them, at most
    /// <paramref name="maxNotes"/> and <paramref name="maxBytes"/> of text (always at least one, if any).
    /// </summary>
    public (long Remaining, IReadOnlyList<Note> Notes) Range(long afterId, long upToId, int maxNotes, int maxBytes)
    {
        var end = upToId <= 0 ? Count : Math.Min(upToId, Count);
        var start = Math.Max(afterId, 0);
        var remaining = Math.Max(end - start, 0);
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
