using System.Buffers;

namespace ActorSockets.Protocol.Sum;

/// <summary>
/// Exact addition of two decimal numbers as school teaches it: digit by digit from the right, with a
/// carry (or a borrow, when the signs differ), so the work is linear in the number of digits.
/// (Parsing them into BigIntegers and printing the sum back is quadratic: two 500,000-digit numbers
/// took 7 s of CPU.)
/// </summary>
internal static class DecimalAddition
{
    /// <summary>Writes <c>a + b</c>, normalized as PROTOCOL.md section 3 says (no <c>+</c>, no leading or trailing zeros, never <c>-0</c>).</summary>
    public static void WriteSum(ExactNumber a, ExactNumber b, IBufferWriter<byte> output)
    {
        var fractionLength = Math.Max(a.FractionDigits.Length, b.FractionDigits.Length);
        var integerLength = Math.Max(a.IntegerDigits.Length, b.IntegerDigits.Length);
        var length = integerLength + fractionLength + 1; // one more digit for a carry
        var pooled = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var digits = pooled.AsSpan(0, length); // most significant first, no point
            bool negative;
            if (a.Negative == b.Negative)
            {
                AddMagnitudes(a, b, fractionLength, digits);
                negative = a.Negative;
            }
            else
            {
                var order = CompareMagnitudes(a, b);
                if (order == 0)
                {
                    Write(output, "0"u8);
                    return;
                }
                if (order > 0)
                    SubtractMagnitudes(a, b, fractionLength, digits);
                else
                    SubtractMagnitudes(b, a, fractionLength, digits);
                negative = order > 0 ? a.Negative : b.Negative;
            }
            WriteNormalized(digits, fractionLength, negative, output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }

    /// <summary>Digit of <paramref name="n"/> at <paramref name="place"/> places left of the last fraction digit (0 beyond its digits).</summary>
    private static int DigitAt(ExactNumber n, int place, int fractionLength)
    {
        var fractionIndex = fractionLength - 1 - place; // index into the fraction, left to right
        if (fractionIndex >= 0)
            return fractionIndex < n.FractionDigits.Length ? n.FractionDigits[fractionIndex] - '0' : 0;
        var integerIndex = n.IntegerDigits.Length - 1 - (place - fractionLength);
        return integerIndex >= 0 ? n.IntegerDigits[integerIndex] - '0' : 0;
    }

    private static void AddMagnitudes(ExactNumber a, ExactNumber b, int fractionLength, Span<byte> digits)
    {
        var carry = 0;
        for (var place = 0; place < digits.Length; place++)
        {
            var sum = DigitAt(a, place, fractionLength) + DigitAt(b, place, fractionLength) + carry;
            carry = sum / 10;
            digits[^(place + 1)] = (byte)('0' + sum % 10);
        }
    }

    private static void SubtractMagnitudes(ExactNumber larger, ExactNumber smaller, int fractionLength, Span<byte> digits)
    {
        var borrow = 0;
        for (var place = 0; place < digits.Length; place++)
        {
            var difference = DigitAt(larger, place, fractionLength) - DigitAt(smaller, place, fractionLength) - borrow;
            borrow = difference < 0 ? 1 : 0;
            digits[^(place + 1)] = (byte)('0' + difference + 10 * borrow);
        }
    }

    /// <summary>Sign of |a| - |b|: integer parts by their length without leading zeros, then digit by digit.</summary>
    private static int CompareMagnitudes(ExactNumber a, ExactNumber b)
    {
        var ai = a.IntegerDigits.TrimStart((byte)'0');
        var bi = b.IntegerDigits.TrimStart((byte)'0');
        if (ai.Length != bi.Length)
            return ai.Length.CompareTo(bi.Length);
        var integers = ai.SequenceCompareTo(bi);
        if (integers != 0)
            return Math.Sign(integers);
        var af = a.FractionDigits.TrimEnd((byte)'0');
        var bf = b.FractionDigits.TrimEnd((byte)'0');
        return Math.Sign(af.SequenceCompareTo(bf)); // a prefix is the smaller: "5" < "51"
    }

    private static void WriteNormalized(ReadOnlySpan<byte> digits, int fractionLength, bool negative, IBufferWriter<byte> output)
    {
        var integer = digits[..^fractionLength].TrimStart((byte)'0');
        var fraction = digits[^fractionLength..].TrimEnd((byte)'0');
        if (integer.IsEmpty && fraction.IsEmpty)
        {
            Write(output, "0"u8);
            return;
        }
        if (negative)
            Write(output, "-"u8);
        Write(output, integer.IsEmpty ? "0"u8 : integer);
        if (fraction.IsEmpty)
            return;
        Write(output, "."u8);
        Write(output, fraction);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
