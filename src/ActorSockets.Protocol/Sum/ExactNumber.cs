namespace ActorSockets.Protocol.Sum;

/// <summary>
/// A number as PROTOCOL.md section 3 writes it: an optional sign, digits, and optionally a point
/// followed by at least one more digit. Kept as the ASCII digits it came in, so any size is exact.
/// </summary>
public readonly ref struct ExactNumber
{
    public bool Negative { get; }
    public ReadOnlySpan<byte> IntegerDigits { get; }
    public ReadOnlySpan<byte> FractionDigits { get; }

    private ExactNumber(bool negative, ReadOnlySpan<byte> integerDigits, ReadOnlySpan<byte> fractionDigits)
    {
        Negative = negative;
        IntegerDigits = integerDigits;
        FractionDigits = fractionDigits;
    }

    public static bool TryParse(ReadOnlySpan<byte> token, out ExactNumber number)
    {
        number = default;
        var negative = false;
        if (!token.IsEmpty && token[0] is (byte)'-' or (byte)'+')
        {
            negative = token[0] == (byte)'-';
            token = token[1..];
        }
        var point = token.IndexOf((byte)'.');
        var integer = point < 0 ? token : token[..point];
        var fraction = point < 0 ? default : token[(point + 1)..];
        if (!AllDigits(integer) || integer.IsEmpty)
            return false;
        if (point >= 0 && (fraction.IsEmpty || !AllDigits(fraction)))
            return false;
        number = new ExactNumber(negative, integer, fraction);
        return true;
    }

    /// <summary>True for a whole number small enough that two of them add without overflow in a long.</summary>
    public bool TryGetSmallInteger(out long value)
    {
        value = 0;
        if (!FractionDigits.IsEmpty || IntegerDigits.Length > 18)
            return false;
        foreach (var d in IntegerDigits)
            value = value * 10 + (d - '0');
        if (Negative)
            value = -value;
        return true;
    }

    private static bool AllDigits(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if (b is < (byte)'0' or > (byte)'9')
                return false;
        }
        return true;
    }
}
