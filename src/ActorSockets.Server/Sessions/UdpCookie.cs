using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// Proof that a UDP source receives at its address, after DNS cookies (RFC 7873) and QUIC's address
/// validation: the <c>STATS</c> reply to an endpoint carries <c>cookie=C</c>, where C is a keyed hash
/// of that endpoint, and a later request whose tag starts with C proves the endpoint, since only who
/// reads that address's replies knows C. A forger, which never reads replies, cannot; nor can it
/// compute C for another address (the key is this process's secret). A proven endpoint keeps its
/// place against newcomers (docs/PROTOCOL-NOTES.md, UDP).
/// </summary>
public static class UdpCookie
{
    /// <summary>Characters of a cookie: base64url, so it may begin a request tag.</summary>
    public const int Length = 12;

    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    /// <summary>The cookie of <paramref name="endPoint"/> (its address and port).</summary>
    public static string For(EndPoint endPoint)
    {
        var hash = HMACSHA256.HashData(Secret, Encoding.ASCII.GetBytes(endPoint.ToString() ?? ""));
        return Convert.ToBase64String(hash).Replace('+', '-').Replace('/', '_')[..Length];
    }

    /// <summary>Whether <paramref name="datagram"/> is a request tagged <c>@C…</c> with <paramref name="cookie"/> as C.</summary>
    public static bool Proves(ReadOnlySpan<byte> datagram, string cookie)
    {
        if (datagram.Length <= Length || datagram[0] != (byte)'@')
            return false;
        Span<byte> expected = stackalloc byte[Length];
        Encoding.ASCII.GetBytes(cookie, expected);
        return CryptographicOperations.FixedTimeEquals(datagram.Slice(1, Length), expected);
    }
}
