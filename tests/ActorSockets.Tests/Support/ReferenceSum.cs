using System.Globalization;
using System.Numerics;

namespace ActorSockets.Tests.Support;

/// <summary>Sums worked out independently of the server's code: BigInteger for integers, decimal for decimals.</summary>
internal static class ReferenceSum
{
    public static string Normalize(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (text.Contains('.'))
            text = text.TrimEnd('0').TrimEnd('.');
        return text == "-0" ? "0" : text;
    }

    /// <summary>A random request and its expected reply: small and huge integers, and decimals.</summary>
    public static (string Request, string Expected) RandomProblem(Random random)
    {
        switch (random.Next(3))
        {
            case 0:
            {
                var a = random.NextInt64(-1_000_000_000_000_000, 1_000_000_000_000_000);
                var b = random.NextInt64(-1_000_000_000_000_000, 1_000_000_000_000_000);
                return ($"{a} {b}", ((BigInteger)a + b).ToString(CultureInfo.InvariantCulture));
            }
            case 1:
            {
                var a = BigInteger.Parse(Digits(random, 30), CultureInfo.InvariantCulture) * (random.Next(2) == 0 ? 1 : -1);
                var b = BigInteger.Parse(Digits(random, 25), CultureInfo.InvariantCulture);
                return ($"{a} {b}", (a + b).ToString(CultureInfo.InvariantCulture));
            }
            default:
            {
                var a = $"{(random.Next(2) == 0 ? "-" : "")}{random.Next(1_000_000)}.{Digits(random, 1 + random.Next(6))}";
                var b = $"{random.Next(1_000_000)}.{Digits(random, 1 + random.Next(6))}";
                var sum = decimal.Parse(a, CultureInfo.InvariantCulture) + decimal.Parse(b, CultureInfo.InvariantCulture);
                return ($"{a}\t{b}", Normalize(sum));
            }
        }
    }

    private static string Digits(Random random, int count) =>
        string.Concat(Enumerable.Range(0, count).Select(_ => (char)('0' + random.Next(10))));
}
