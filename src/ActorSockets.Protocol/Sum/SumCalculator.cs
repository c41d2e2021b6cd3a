using System.Buffers;
using System.Buffers.Text;
using ActorSockets.Protocol.Requests;

namespace ActorSockets.Protocol.Sum;

/// <summary>
/// The <c>sum</c> service (PROTOCOL.md section 3) as a pure function: two numbers in, their exact,
/// normalized sum out. Whole numbers of up to 18 digits take a fast path on <see cref="long"/>;
/// everything else is added digit by digit (<see cref="DecimalAddition"/>): exact at any size, and
/// linear in the number of digits.
/// </summary>
public static class SumCalculator
{
    /// <summary>
    /// Writes the sum of the two numbers in <paramref name="request"/> (no terminator).
    /// Returns false, writing nothing, when the request is not exactly two numbers.
    /// </summary>
    public static bool TryWriteSum(ReadOnlySpan<byte> request, IBufferWriter<byte> output)
    {
        if (!TrySplitTwo(Blanks.Trim(request), out var first, out var second)
            || !ExactNumber.TryParse(first, out var a)
            || !ExactNumber.TryParse(second, out var b))
            return false;

        if (a.TryGetSmallInteger(out var x) && b.TryGetSmallInteger(out var y))
        {
            var span = output.GetSpan(20);
            Utf8Formatter.TryFormat(x + y, span, out var written);
            output.Advance(written);
            return true;
        }

        DecimalAddition.WriteSum(a, b, output);
        return true;
    }

    private static bool TrySplitTwo(ReadOnlySpan<byte> s, out ReadOnlySpan<byte> first, out ReadOnlySpan<byte> second)
    {
        first = second = default;
        var gap = s.IndexOfAny((byte)' ', (byte)'\t');
        if (gap <= 0)
            return false;
        first = s[..gap];
        second = Blanks.Trim(s[gap..]);
        return !second.IsEmpty && second.IndexOfAny((byte)' ', (byte)'\t') < 0;
    }
}
