using System.Globalization;
using System.Numerics;
using ActorSockets.Protocol.Sum;
using ActorSockets.Tests.Support;
using CsCheck;

namespace ActorSockets.Tests.Protocol;

public class SumCalculatorTests
{
    /// <summary>The sum as the server writes it, or null on a syntax error.</summary>
    private static string? Sum(string request)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        return SumCalculator.TryWriteSum(System.Text.Encoding.UTF8.GetBytes(request), output) ? System.Text.Encoding.ASCII.GetString(output.WrittenSpan) : null;
    }

    [Theory]
    [InlineData("3 4", "7")]
    [InlineData("1.5 2.25", "3.75")]
    [InlineData("1.5 2.5", "4")]
    [InlineData("-0.5 0.5", "0")]
    [InlineData("99999999999999999999 1", "100000000000000000000")]
    [InlineData("+4.50 0", "4.5")]
    [InlineData("0.125 -0.125", "0")]
    [InlineData("-3 1", "-2")]
    [InlineData("007 0.10", "7.1")]
    [InlineData("  \t12\t -3  ", "9")]
    [InlineData("-0 -0", "0")]
    [InlineData("-0.001 0", "-0.001")]
    [InlineData("999999999999999999 999999999999999999", "1999999999999999998")]
    [InlineData("-999999999999999999 -1", "-1000000000000000000")]
    public void Examples_from_the_protocol_and_its_edges(string request, string sum) =>
        Assert.Equal(sum, Sum(request));

    [Theory]
    [InlineData("3")]
    [InlineData("1 2 3")]
    [InlineData("1e3 1")]
    [InlineData("abc 1")]
    [InlineData("0x10 1")]
    [InlineData("1. 2")]
    [InlineData(".5 2")]
    [InlineData("- 2")]
    [InlineData("1,5 2")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("１ 2")]
    public void Anything_but_two_numbers_is_a_syntax_error(string request) =>
        Assert.Null(Sum(request));

    /// <summary>Decimals within System.Decimal's exact range, against decimal arithmetic as the reference.</summary>
    [Fact]
    public void Decimal_sums_match_decimal_arithmetic()
    {
        var number = Gen.Select(Gen.Bool, Gen.Char["0123456789"].Array[1, 14], Gen.Char["0123456789"].Array[0, 8],
            (negative, integer, fraction) =>
                (negative ? "-" : "") + new string(integer) + (fraction.Length > 0 ? "." + new string(fraction) : ""));
        Gen.Select(number, number).Sample((a, b) =>
        {
            var reference = decimal.Parse(a, CultureInfo.InvariantCulture) + decimal.Parse(b, CultureInfo.InvariantCulture);
            Assert.Equal(ReferenceSum.Normalize(reference), Sum($"{a} {b}"));
        }, iter: 5000);
    }

    /// <summary>Integers far beyond 64 bits, against BigInteger as the reference.</summary>
    [Fact]
    public void Big_integer_sums_match_BigInteger()
    {
        var integer = Gen.Select(Gen.Bool, Gen.Char["0123456789"].Array[1, 80],
            (negative, digits) => (negative ? "-" : "") + new string(digits));
        Gen.Select(integer, integer).Sample((a, b) =>
        {
            var reference = BigInteger.Parse(a, CultureInfo.InvariantCulture) + BigInteger.Parse(b, CultureInfo.InvariantCulture);
            Assert.Equal(reference.ToString(CultureInfo.InvariantCulture), Sum($"{a} {b}"));
        }, iter: 5000);
    }

    [Fact]
    public void Numbers_thousands_of_digits_long_add_exactly()
    {
        var a = new string('9', 4000) + "." + new string('9', 4000);
        var expected = "1" + new string('9', 3999) + "9." + new string('9', 3999) + "8";
        Assert.Equal(expected, Sum($"{a} {a}"));
    }

    [Fact]
    public void Long_decimals_with_signs_and_leading_and_trailing_zeros_match_a_scaled_BigInteger_reference()
    {
        var digits = Gen.Char["0123456789"];
        var number = Gen.Select(Gen.Int[0, 2], digits.Array[1, 60], digits.Array[0, 60],
            (sign, integer, fraction) => (sign == 0 ? "-" : sign == 1 ? "+" : "") + new string(integer) + (fraction.Length > 0 ? "." + new string(fraction) : ""));
        Gen.Select(number, number).Sample((a, b) => Assert.Equal(ScaledReference(a, b), Sum($"{a} {b}")), iter: 5000);
    }

    [Fact]
    public void A_carry_or_a_borrow_runs_through_half_a_million_digits()
    {
        var nines = new string('9', 500_000);
        Assert.Equal("1" + new string('0', 500_000), Sum($"{nines} 1"));
        Assert.Equal("-" + new string('9', 499_999) + "8", Sum($"-{nines} 1"));
        Assert.Equal("0." + new string('0', 499_999) + "1", Sum($"1.{new string('0', 499_999)}1 -1"));
    }

    /// <summary>Independent of the server's code: both as integers scaled by 10^scale, added, and printed back.</summary>
    private static string ScaledReference(string a, string b)
    {
        var scale = Math.Max(FractionLength(a), FractionLength(b));
        var sum = Scaled(a, scale) + Scaled(b, scale);
        var text = BigInteger.Abs(sum).ToString(CultureInfo.InvariantCulture).PadLeft(scale + 1, '0');
        var integer = text[..^scale];
        var fraction = text[^scale..].TrimEnd('0');
        var result = fraction.Length == 0 ? integer : $"{integer}.{fraction}";
        return sum.Sign < 0 ? "-" + result : result;
    }

    private static int FractionLength(string n) => n.Contains('.') ? n.Length - n.IndexOf('.') - 1 : 0;

    private static BigInteger Scaled(string n, int scale) =>
        BigInteger.Parse(n.Replace(".", "", StringComparison.Ordinal) + new string('0', scale - FractionLength(n)), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
