using System.Text.Unicode;

namespace ActorSockets.Protocol.Requests;

/// <summary>How reading one request line ended (PROTOCOL.md section 1).</summary>
public enum RequestStatus
{
    /// <summary>A request: its tag (possibly empty) and its body.</summary>
    Ok,
    /// <summary>The line is not valid UTF-8: <c>ERR utf8</c>, untagged.</summary>
    InvalidUtf8,
    /// <summary>The line starts with <c>@</c> but no valid tag follows: <c>ERR syntax</c>, untagged.</summary>
    BadTag,
    /// <summary>A valid tag with nothing after it: <c>ERR syntax</c>, tagged.</summary>
    NothingAfterTag,
}

/// <summary>Splits a request line into its optional <c>@TAG</c> and its body.</summary>
public static class Request
{
    public const int MaxTagLength = 32;

    /// <summary>
    /// Reads one non-empty line. On <see cref="RequestStatus.Ok"/> and <see cref="RequestStatus.NothingAfterTag"/>
    /// <paramref name="tag"/> holds the tag without <c>@</c> (empty when untagged).
    /// </summary>
    public static RequestStatus Parse(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> tag, out ReadOnlySpan<byte> body)
    {
        tag = default;
        body = line;
        if (!Utf8.IsValid(line))
            return RequestStatus.InvalidUtf8;
        if (line.IsEmpty || line[0] != (byte)'@')
            return RequestStatus.Ok;

        var end = line.IndexOf((byte)' ');
        var candidate = end < 0 ? line[1..] : line[1..end];
        if (!IsValidTag(candidate))
            return RequestStatus.BadTag;
        tag = candidate;
        body = end < 0 ? default : line[(end + 1)..];
        return body.IsEmpty ? RequestStatus.NothingAfterTag : RequestStatus.Ok;
    }

    /// <summary>For a service without tags (chat): the whole line is the body, once it is valid UTF-8.</summary>
    public static RequestStatus ParseUntagged(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> tag, out ReadOnlySpan<byte> body)
    {
        tag = default;
        body = line;
        return Utf8.IsValid(line) ? RequestStatus.Ok : RequestStatus.InvalidUtf8;
    }

    /// <summary>1 to 32 characters of <c>A-Z a-z 0-9 _ -</c>.</summary>
    public static bool IsValidTag(ReadOnlySpan<byte> tag)
    {
        if (tag.Length is 0 or > MaxTagLength)
            return false;
        foreach (var b in tag)
        {
            var ok = b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z'
                or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'-';
            if (!ok)
                return false;
        }
        return true;
    }

    /// <summary>
    /// The first word of a body, upper-cased for comparison, and what follows the one space after it.
    /// Used by every service to recognise its command words case-insensitively.
    /// </summary>
    public static bool StartsWithWord(ReadOnlySpan<byte> body, ReadOnlySpan<byte> upperWord, out ReadOnlySpan<byte> rest)
    {
        rest = default;
        if (body.Length < upperWord.Length)
            return false;
        for (var i = 0; i < upperWord.Length; i++)
        {
            if (AsciiUpper(body[i]) != upperWord[i])
                return false;
        }
        if (body.Length == upperWord.Length)
            return true;
        if (body[upperWord.Length] != (byte)' ')
            return false;
        rest = body[(upperWord.Length + 1)..];
        return true;
    }

    /// <summary>True when the body is exactly the word, in any letter case, with optional spaces or tabs around it.</summary>
    public static bool IsWord(ReadOnlySpan<byte> body, ReadOnlySpan<byte> upperWord) =>
        StartsWithWord(Blanks.Trim(body), upperWord, out var rest) && rest.IsEmpty;

    private static byte AsciiUpper(byte b) => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;
}
