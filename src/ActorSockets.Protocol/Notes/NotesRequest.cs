using System.Globalization;
using System.Text;
using ActorSockets.Protocol.Requests;

namespace ActorSockets.Protocol.Notes;

/// <summary>A request of the <c>notes</c> service (PROTOCOL.md section 4), read and checked.</summary>
public abstract record NotesRequest
{
    /// <summary><c>POST text</c>: the note, quotes removed, at most <c>notes.max-note-bytes</c>, one line.</summary>
    public sealed record Post(string Text) : NotesRequest;

    /// <summary><c>GET</c> (after 0) or <c>GET after-id</c>.</summary>
    public sealed record Get(long AfterId) : NotesRequest;

    /// <summary>Not a valid request: the error line to answer.</summary>
    public sealed record Invalid(string ErrorLine) : NotesRequest;

    public const string SyntaxError = "ERR syntax: expected GET or POST <text>";
    public const string EmptyNote = "ERR syntax: empty note";
    public const string NotOneLine = "ERR syntax: note must be one line";
    public const string BadAfterId = "ERR syntax: GET takes a whole number of 0 or more, e.g. GET 10";

    public static string TooLong(int maxNoteBytes) => $"ERR too-long: note exceeds {maxNoteBytes} bytes";

    /// <summary>Reads a request body (valid UTF-8, tag already removed).</summary>
    public static NotesRequest Parse(ReadOnlySpan<byte> body, int maxNoteBytes)
    {
        if (Request.StartsWithWord(body, "POST"u8, out var text))
            return ParsePost(text, maxNoteBytes);
        if (Request.StartsWithWord(body, "GET"u8, out var after))
            return ParseGet(Blanks.Trim(after));
        return new Invalid(SyntaxError);
    }

    private static NotesRequest ParsePost(ReadOnlySpan<byte> text, int maxNoteBytes)
    {
        // The seed's POST "something": one pair of enclosing quotes is removed; the rest is kept byte for byte.
        if (text.Length >= 2 && text[0] == (byte)'"' && text[^1] == (byte)'"')
            text = text[1..^1];
        if (text.IsEmpty)
            return new Invalid(EmptyNote);
        if (text.Length > maxNoteBytes)
            return new Invalid(TooLong(maxNoteBytes));
        if (text.IndexOfAny((byte)'\r', (byte)'\n') >= 0)
            return new Invalid(NotOneLine);
        return new Post(Encoding.UTF8.GetString(text));
    }

    private static NotesRequest ParseGet(ReadOnlySpan<byte> after)
    {
        if (after.IsEmpty)
            return new Get(0);
        foreach (var b in after)
        {
            if (b is < (byte)'0' or > (byte)'9')
                return new Invalid(BadAfterId);
        }
        return long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new Get(id)
            : new Invalid(BadAfterId);
    }
}
