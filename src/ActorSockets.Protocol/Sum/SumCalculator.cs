using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Text;
using ActorSockets.Protocol.Requests;

namespace ActorSockets.Protocol.Sum;

/// <summary>
/// The <c>sum</c> service (PROTOCOL.md section 3) as a pure function: two numbers in, their exact,
/// normalized sum out. Whole numbers of up to 18 digits take a fast path on <see cref="long"/>;
/// everything else is added as scaled <see cref="BigInteger"/>s, so no size or precision is lost.
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

        var scale = Math.Max(a.FractionDigits.Length, b.FractionDigits.Length);
        var text = Format(a.Scaled(scale) + b.Scaled(scale), scale);
        var bytes = output.GetSpan(text.Length);
        output.Advance(Encoding.ASCII.GetBytes(text, bytes));
        return true;
    }

    /// <summary>The sum as a string, or null on a syntax error. For the client and for tests.</summary>
    public static string? Compute(string request)
    {
        var output = new ArrayBufferWriter<byte>();
        return TryWriteSum(Encoding.UTF8.GetBytes(request), output) ? Encoding.ASCII.GetString(output.WrittenSpan) : null;
    }

    /// <summary>Writes value / 10^scale: no sign on zero, no leading zeros, no trailing fraction zeros.</summary>
    private static string Format(BigInteger scaledValue, int scale)
    {
        if (scaledValue.IsZero)
            return "0";
        var digits = BigInteger.Abs(scaledValue).ToString(CultureInfo.InvariantCulture);
        if (digits.Length <= scale)
            digits = new string('0', scale - digits.Length + 1) + digits;
        var integer = digits[..^scale];
        var fraction = digits[^scale..].TrimEnd('0');
        var sign = scaledValue.Sign < 0 ? "-" : "";
        return fraction.Length == 0 ? sign + integer : $"{sign}{integer}.{fraction}";
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
