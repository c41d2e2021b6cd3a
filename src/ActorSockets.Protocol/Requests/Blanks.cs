namespace ActorSockets.Protocol.Requests;

/// <summary>Spaces and tabs: the only blanks the protocol knows between and around words.</summary>
public static class Blanks
{
    public static bool Is(byte b) => b is (byte)' ' or (byte)'\t';

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        var start = 0;
        while (start < s.Length && Is(s[start]))
            start++;
        var end = s.Length;
        while (end > start && Is(s[end - 1]))
            end--;
        return s[start..end];
    }
}
