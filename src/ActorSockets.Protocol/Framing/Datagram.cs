namespace ActorSockets.Protocol.Framing;

/// <summary>UDP framing (PROTOCOL.md section 1): one datagram is one request line.</summary>
public static class Datagram
{
    /// <summary>The request line of a datagram: the datagram less a trailing <c>\r\n</c> or <c>\n</c>.</summary>
    public static ReadOnlySpan<byte> RequestLine(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > 0 && datagram[^1] == (byte)'\n')
        {
            datagram = datagram[..^1];
            if (datagram.Length > 0 && datagram[^1] == (byte)'\r')
                datagram = datagram[..^1];
        }
        return datagram;
    }
}
