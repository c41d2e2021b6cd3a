using System.Text;
using ActorSockets.Protocol.Requests;

namespace ActorSockets.Protocol;

/// <summary>
/// Gathers the lines of one TCP reply and says when it is complete, for clients: a reply is one
/// line, except that HELP runs to a line <c>END</c>, <c>NOTES total count</c> is followed by
/// <c>count</c> note lines, and an <c>ERR</c> or <c>BYE</c> line ends any reply. Lines are given
/// without their tag. (Over UDP a reply is one datagram, whatever its lines.)
/// </summary>
public sealed class ReplyCollector(string request)
{
    private readonly bool _isHelp = Request.IsWord(Encoding.UTF8.GetBytes(request), "HELP"u8);
    private readonly List<string> _lines = [];
    private long _noteLinesToCome = -1;

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>Adds one line; true when the reply is complete.</summary>
    public bool Add(string line)
    {
        _lines.Add(line);
        if (_noteLinesToCome > 0)
            return --_noteLinesToCome == 0;
        if (line.StartsWith("ERR ", StringComparison.Ordinal) || line.StartsWith("BYE", StringComparison.Ordinal))
            return true;
        if (_lines.Count == 1 && TryReadNotesHeader(line, out _, out var count))
        {
            _noteLinesToCome = count;
            return count == 0;
        }
        return !_isHelp || line == Replies.End;
    }

    /// <summary>Reads <c>NOTES total count</c>.</summary>
    public static bool TryReadNotesHeader(string line, out long total, out long count)
    {
        total = count = 0;
        var parts = line.Split(' ');
        return parts is ["NOTES", var t, var c]
            && long.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out total)
            && long.TryParse(c, System.Globalization.CultureInfo.InvariantCulture, out count);
    }

    /// <summary>The tag of a reply line and the line without it (an empty tag when untagged).</summary>
    public static (string Tag, string Line) SplitTag(string line)
    {
        if (!line.StartsWith('@'))
            return ("", line);
        var space = line.IndexOf(' ');
        return space < 0 ? ("", line) : (line[1..space], line[(space + 1)..]);
    }
}
