using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace ActorSockets.Protocol.Chat;

/// <summary>
/// The envelope's two private-key operations (unwrapping K with RSA-OAEP, signing with RSA-PSS) done
/// by .NET's RSA, which is OpenSSL on Linux: about seven times faster than BouncyCastle's managed
/// RSA engine here (BENCHMARKS.md), and blinded. The padding is the protocol's to the letter: OAEP
/// with SHA-256 and MGF1-SHA-256 and an empty label, PSS with SHA-256, MGF1-SHA-256 and a salt as long
/// as the hash (32 bytes). Everything else (public-key operations, AES-GCM, keys and their files)
/// stays BouncyCastle's; the tests check the two against each other both ways.
/// </summary>
internal static class PlatformRsa
{
    /// <summary>
    /// .NET's RSA objects, kept per private key (importing costs more than an operation). .NET does
    /// not promise that one object serves two threads at once, so each is lent to one caller at a time.
    /// </summary>
    private static readonly ConditionalWeakTable<RsaPrivateCrtKeyParameters, ConcurrentBag<RSA>> Lent = new();

    /// <summary>K from its wrapped form; <see cref="ChatCryptoException"/> when it cannot be unwrapped.</summary>
    public static byte[] UnwrapKey(RsaPrivateCrtKeyParameters key, byte[] wrapped)
    {
        try
        {
            return Use(key, rsa => rsa.Decrypt(wrapped, RSAEncryptionPadding.OaepSHA256));
        }
        catch (CryptographicException)
        {
            throw new ChatCryptoException("the wrapped key cannot be unwrapped");
        }
    }

    /// <summary>
    /// Imports <paramref name="key"/> now, so that a key .NET refuses (numbers that do not belong
    /// together) is found when it is loaded, as a <see cref="ChatCryptoException"/>, not at the first message.
    /// </summary>
    public static void Prepare(RsaPrivateCrtKeyParameters key)
    {
        RSA rsa;
        try
        {
            rsa = Import(key);
        }
        catch (CryptographicException e)
        {
            throw new ChatCryptoException($"the private key cannot be used: {e.Message}");
        }
        PoolOf(key).Add(rsa);
    }

    public static byte[] Sign(RsaPrivateCrtKeyParameters key, byte[] signed) =>
        Use(key, rsa => rsa.SignData(signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));

    private static byte[] Use(RsaPrivateCrtKeyParameters key, Func<RSA, byte[]> operation)
    {
        var pool = PoolOf(key);
        var rsa = pool.TryTake(out var idle) ? idle : Import(key);
        try
        {
            return operation(rsa);
        }
        finally
        {
            pool.Add(rsa);
        }
    }

    private static ConcurrentBag<RSA> PoolOf(RsaPrivateCrtKeyParameters key) =>
        Lent.GetValue(key, static _ => new ConcurrentBag<RSA>());

    private static RSA Import(RsaPrivateCrtKeyParameters key)
    {
        // .NET wants each number big-endian, unsigned, and of a fixed length: the modulus's for D,
        // half of it (rounded up) for the primes and the CRT values.
        var size = (key.Modulus.BitLength + 7) / 8;
        var half = (size + 1) / 2;
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = Fixed(key.Modulus, size),
            Exponent = key.PublicExponent.ToByteArrayUnsigned(),
            D = Fixed(key.Exponent, size),
            P = Fixed(key.P, half),
            Q = Fixed(key.Q, half),
            DP = Fixed(key.DP, half),
            DQ = Fixed(key.DQ, half),
            InverseQ = Fixed(key.QInv, half),
        });
        return rsa;
    }

    private static byte[] Fixed(BigInteger value, int length)
    {
        var bytes = value.ToByteArrayUnsigned();
        if (bytes.Length == length)
            return bytes;
        if (bytes.Length > length)
            throw new ChatCryptoException("the private key's numbers do not fit its modulus");
        var padded = new byte[length];
        bytes.CopyTo(padded, length - bytes.Length);
        return padded;
    }
}
