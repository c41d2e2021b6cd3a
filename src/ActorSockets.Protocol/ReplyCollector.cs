using System.Text;
using ActorSockets.Protocol.Requests;

namespace ActorSockets.Protocol;

/// <summary>
/// Gathers the lines of one reply and says when it is complete, for clients: a reply is one line,
/// except that HELP runs to a line <c>END</c>, and any <c>ERR</c> or <c>BYE</c> line ends it.
/// Lines are given without their tag.
/// </summary>
public sealed class ReplyCollector(string request)
{
    private readonly bool _isHelp = Request.IsWord(Encoding.UTF8.GetBytes(request), "HELP"u8);
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>Adds one line; true when the reply is complete.</summary>
    public bool Add(string line)
    {
        _lines.Add(line);
        if (line.StartsWith("ERR ", StringComparison.Ordinal) || line.StartsWith("BYE", StringComparison.Ordinal))
            return true;
        return !_isHelp || line == Replies.End;
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
