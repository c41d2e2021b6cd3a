using System.Text;

namespace ActorSockets.Bench;

/// <summary>
/// Finds reply lines in a TCP byte stream and checks each starts with the expected prefix, byte by
/// byte, so a line split across reads needs no buffering beyond the few bytes kept to show a wrong one.
/// </summary>
internal sealed class ReplyMatcher(byte[] expectPrefix)
{
    private const int ShownBytes = 80;
    private readonly byte[] _shown = new byte[ShownBytes];
    private int _column;
    private int _lastLength;
    private bool _matches = true;

    /// <summary>Feeds bytes; calls <paramref name="onLine"/> with each completed line's verdict.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, Action<bool> onLine)
    {
        foreach (var b in bytes)
        {
            if (b == (byte)'\n')
            {
                _lastLength = _column;
                _column = 0;
                onLine(_matches && _lastLength >= expectPrefix.Length);
                _matches = true;
                continue;
            }
            if (_column < expectPrefix.Length && b != expectPrefix[_column])
                _matches = false;
            if (_column < ShownBytes)
                _shown[_column] = b;
            _column++;
        }
    }

    /// <summary>The start of the line just completed, for a message about a wrong reply.</summary>
    public string LastLine() => Encoding.UTF8.GetString(_shown, 0, Math.Min(_lastLength, ShownBytes)).TrimEnd('\r');
}
