using System.Buffers;
using System.Globalization;
using System.Text;

namespace ActorSockets.Protocol.Notes;

/// <summary>
/// The lines of a <c>GET</c> reply (PROTOCOL.md section 4): <c>NOTES total count</c>, then
/// <c>id text</c> for each note, and over UDP, when not all fit, <c>MORE last-id-sent</c>.
/// Every line carries the request's tag.
/// </summary>
public static class NotesReply
{
    /// <summary>A POST tag this long or longer is a board-wide idempotency key (PROTOCOL.md section 4).</summary>
    public const int MinBoardKeyLength = 16;
    public const string Conflict = "ERR conflict: tag already used for another note";

    public static string Ok(long id) => $"OK {id.ToString(CultureInfo.InvariantCulture)}";

    public static string Header(long total, long count) =>
        $"NOTES {total.ToString(CultureInfo.InvariantCulture)} {count.ToString(CultureInfo.InvariantCulture)}";

    public static string More(long lastIdSent) => $"MORE {lastIdSent.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The reply to a UDP page whose first note does not fit in a datagram: which note, and how to go on
    /// past it (docs/PROTOCOL-NOTES.md).
    /// </summary>
    public static string NoteTooLargeForPage(Note note, int maxDatagramBytes)
    {
        var id = note.Id.ToString(CultureInfo.InvariantCulture);
        return $"ERR too-long: note {id} ({Encoding.UTF8.GetByteCount(note.Text)} bytes) does not fit in a {maxDatagramBytes}-byte datagram; " +
            $"read it over TCP, or GET {id} for the notes after it";
    }

    public static void WriteNote(IBufferWriter<byte> output, ReadOnlySpan<byte> tag, Note note) =>
        Replies.WriteLine(output, tag, $"{note.Id.ToString(CultureInfo.InvariantCulture)} {note.Text}");

    /// <summary>Bytes of the line <c>id text\n</c> with its tag.</summary>
    public static int NoteLineBytes(int tagLength, Note note) =>
        TagBytes(tagLength) + Digits(note.Id) + 1 + Encoding.UTF8.GetByteCount(note.Text) + 1;

    /// <summary>
    /// How many of <paramref name="available"/> (the notes after the asked id, oldest first; maybe
    /// only the first of them) fit in one datagram of <paramref name="maxBytes"/> with the header
    /// and, when some are left out, the <c>MORE</c> line. Filled as full as it can be.
    /// </summary>
    public static int FitPage(int tagLength, long total, IReadOnlyList<Note> available, long remaining, int maxBytes)
    {
        var body = 0;
        var fit = 0;
        for (var k = 1; k <= available.Count; k++)
        {
            body += NoteLineBytes(tagLength, available[k - 1]);
            var size = HeaderBytes(tagLength, total, k) + body + (k < remaining ? MoreBytes(tagLength, available[k - 1].Id) : 0);
            if (size > maxBytes)
                break;
            fit = k;
        }
        return fit;
    }

    /// <summary>
    /// The largest page one note of <paramref name="maxNoteBytes"/> can need: the longest tag on every
    /// line, 19-digit numbers, and a MORE line. A config whose datagrams cannot hold it is refused at start.
    /// </summary>
    public static int WorstSingleNotePage(int maxNoteBytes) =>
        HeaderBytes(Requests.Request.MaxTagLength, long.MaxValue, 1)
        + TagBytes(Requests.Request.MaxTagLength) + 19 + 1 + maxNoteBytes + 1
        + MoreBytes(Requests.Request.MaxTagLength, long.MaxValue);

    private static int HeaderBytes(int tagLength, long total, long count) =>
        TagBytes(tagLength) + "NOTES ".Length + Digits(total) + 1 + Digits(count) + 1;

    private static int MoreBytes(int tagLength, long lastId) => TagBytes(tagLength) + "MORE ".Length + Digits(lastId) + 1;

    private static int TagBytes(int tagLength) => tagLength == 0 ? 0 : tagLength + 2;

    private static int Digits(long n) => n.ToString(CultureInfo.InvariantCulture).Length;
}
