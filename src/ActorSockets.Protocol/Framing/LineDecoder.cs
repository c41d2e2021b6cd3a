namespace ActorSockets.Protocol.Framing;

/// <summary>
/// Cuts a TCP byte stream into lines (PROTOCOL.md section 1): a line ends with <c>\n</c>, a <c>\r</c>
/// just before it is dropped, and packet boundaries never matter. Lines wholly inside one chunk are
/// handed on without a copy; only a line split across chunks is assembled in a buffer, and that
/// buffer never holds more than the line limit (plus the one <c>\r</c> that may precede <c>\n</c>).
/// </summary>
/// <remarks>Not thread-safe: one decoder belongs to one session actor.</remarks>
public sealed class LineDecoder
{
    private readonly int _maxLineBytes;
    private byte[] _partial = [];
    private int _partialLength;

    public LineDecoder(int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>Bytes of an unfinished line held so far.</summary>
    public int BufferedBytes => _partialLength;

    /// <summary>
    /// Feeds one chunk. Every complete line goes to <paramref name="sink"/>, in order.
    /// Returns false when a line exceeds the limit: the lines before it were delivered, framing is
    /// lost, and the caller must answer <c>ERR too-long</c> and close. The decoder is unusable after that.
    /// </summary>
    public bool Feed(ReadOnlySpan<byte> chunk, ILineSink sink)
    {
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            if (newline < 0)
                return Hold(chunk);

            var piece = chunk[..newline];
            chunk = chunk[(newline + 1)..];
            if (_partialLength == 0)
            {
                var line = DropCarriageReturn(piece);
                if (line.Length > _maxLineBytes)
                    return false;
                sink.OnLine(line);
            }
            else
            {
                if (!Hold(piece))
                    return false;
                var line = DropCarriageReturn(_partial.AsSpan(0, _partialLength));
                _partialLength = 0;
                if (line.Length > _maxLineBytes)
                    return false;
                sink.OnLine(line);
            }
        }
        return true;
    }

    /// <summary>
    /// At end of stream: the unterminated last line, if any (netcat sends one when its input has no
    /// final newline). Empty when nothing is held.
    /// </summary>
    public ReadOnlySpan<byte> TakeUnterminated()
    {
        var rest = DropCarriageReturn(_partial.AsSpan(0, _partialLength));
        _partialLength = 0;
        return rest;
    }

    private bool Hold(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return true;
        var needed = _partialLength + bytes.Length;
        // A held line may reach the limit plus one byte, if that byte is the '\r' of a coming "\r\n".
        if (needed > _maxLineBytes + 1)
            return false;
        if (needed == _maxLineBytes + 1 && bytes[^1] != (byte)'\r')
            return false;
        if (needed > _partial.Length)
            Array.Resize(ref _partial, Math.Min(Math.Max(needed, _partial.Length * 2), _maxLineBytes + 1));
        bytes.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength = needed;
        return true;
    }

    private static ReadOnlySpan<byte> DropCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
