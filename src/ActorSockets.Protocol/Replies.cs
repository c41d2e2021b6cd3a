using System.Buffers;
using System.Text;

namespace ActorSockets.Protocol;

/// <summary>
/// The exact reply lines of PROTOCOL.md, in one place. The message part after <c>ERR code:</c> is for
/// people; clients rely on the code.
/// </summary>
public static class Replies
{
    public const string Pong = "PONG";
    public const string End = "END";
    public const string Utf8 = "ERR utf8: request is not valid UTF-8";
    public const string BadTag = "ERR syntax: a tag is @ and 1 to 32 of A-Z a-z 0-9 _ - followed by a space and a request";
    public const string NothingAfterTag = "ERR syntax: nothing after the tag";
    public const string SumSyntax = "ERR syntax: expected two numbers, e.g. \"3 4\"";
    public const string ByeQuit = "BYE quit";
    public const string ByeShutdown = "BYE shutdown: server stopping";
    public const string ByeCrashed = "BYE crashed: internal error";

    // Notes (PROTOCOL.md section 4).
    public static string Storage(string why) => $"ERR storage: {why}";
    /// <summary>The store did not answer within the session's bound (moving to another node, starting, or stalled).</summary>
    public const string StorageUnavailable = "ERR storage: " + StoreUnavailable;
    public const string StoreUnavailable = "store unavailable, retry";

    /// <summary>Why a POST to a board at its limit (<c>notes.max-notes</c>) is refused, after <c>ERR storage: </c>.</summary>
    public static string BoardFull(int maxNotes) => $"the board is full ({maxNotes} notes, its notes.max-notes)";

    // Chat (PROTOCOL.md section 5).
    public const string ChatVersion = "chat/1";
    public static string Hello(string serverPublicKeyBase64) => $"HELLO {ChatVersion} {serverPublicKeyBase64}";
    public const string Ready = "READY";
    public const string NotYourTurn = "ERR turn: wait for the server's reply";
    public static string Crypto(string what) => $"ERR crypto: {what}";
    public const string ByeGoodbyePrefix = "BYE goodbye:";
    public const string ByeClientSaidGoodbye = "BYE goodbye: client said Good Bye";
    public const string ByeServerSaidGoodbye = "BYE goodbye: server said Good Bye";
    public const string ChatNoOperator = "ERR unsupported: no one can answer: the server's operator console is closed";
    public const string ChatOperatorLeft = "BYE shutdown: no one can answer: the server's operator console is closed";
    public const string ChatBusy = "ERR busy: too many chats are starting; try again in a moment";
    public const string ChatCryptoTimeout = "ERR internal: the chat's crypto work did not finish in time";

    public static string TooLongLine(int maxLineBytes) => $"ERR too-long: line exceeds {maxLineBytes} bytes";
    public static string TooLongDatagram(int maxLineBytes) => $"ERR too-long: datagram exceeds {maxLineBytes} bytes";
    public static string TooLongReply(int maxDatagramBytes) =>
        $"ERR too-long: reply exceeds {maxDatagramBytes} bytes (udp.max-datagram-bytes)";
    public static string Busy(int clientsLimit) => $"ERR busy: clients limit {clientsLimit} reached";
    /// <summary>In place of some UDP replies over the source network's budget (the rest are dropped).</summary>
    public const string RateLimited = "ERR busy: rate limited, retry slower or use TCP";
    public static string ByeTimeout(string timeoutText) => $"BYE timeout: idle for {timeoutText}";

    /// <summary>Writes one reply line: <c>@TAG </c> when tagged, the text, and <c>\n</c>.</summary>
    public static void WriteLine(IBufferWriter<byte> output, ReadOnlySpan<byte> tag, string text)
    {
        WriteTag(output, tag);
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length) + 1);
        var written = Encoding.UTF8.GetBytes(text, span);
        span[written] = (byte)'\n';
        output.Advance(written + 1);
    }

    /// <summary>The tag of a reply (every line carries its request's tag, so the first line tells it); empty when untagged.</summary>
    public static ReadOnlySpan<byte> TagOf(ReadOnlySpan<byte> reply)
    {
        if (reply.IsEmpty || reply[0] != (byte)'@')
            return default;
        var space = reply.IndexOf((byte)' ');
        return space < 0 ? default : reply[1..space];
    }

    public static void WriteTag(IBufferWriter<byte> output, ReadOnlySpan<byte> tag)
    {
        if (tag.IsEmpty)
            return;
        var span = output.GetSpan(tag.Length + 2);
        span[0] = (byte)'@';
        tag.CopyTo(span[1..]);
        span[tag.Length + 1] = (byte)' ';
        output.Advance(tag.Length + 2);
    }

    /// <summary>The multi-line HELP reply: the lines given, then <c>END</c>.</summary>
    public static void WriteHelp(IBufferWriter<byte> output, ReadOnlySpan<byte> tag, IEnumerable<string> lines)
    {
        foreach (var line in lines)
            WriteLine(output, tag, line);
        WriteLine(output, tag, End);
    }
}
