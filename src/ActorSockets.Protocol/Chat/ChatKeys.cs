using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities.IO.Pem;
using Org.BouncyCastle.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace ActorSockets.Protocol.Chat;

/// <summary>An RSA key pair for chat: the private key, and the public key as DER SubjectPublicKeyInfo.</summary>
public sealed class ChatKeyPair
{
    public ChatKeyPair(RsaPrivateCrtKeyParameters privateKey)
    {
        Private = privateKey;
        PlatformRsa.Prepare(privateKey); // the private-key operations run on .NET's RSA: refuse a key it refuses, now
        Public = new RsaKeyParameters(false, privateKey.Modulus, privateKey.PublicExponent);
        PublicDer = ChatKeys.PublicKeyDer(Public);
    }

    public RsaPrivateCrtKeyParameters Private { get; }
    public RsaKeyParameters Public { get; }
    public byte[] PublicDer { get; }
    public int Bits => Private.Modulus.BitLength;
    public string Fingerprint => ChatKeys.Fingerprint(PublicDer);
    /// <summary>Standard, padded base64 of the DER SubjectPublicKeyInfo, as it travels in HELLO and KEY.</summary>
    public string PublicBase64 => Convert.ToBase64String(PublicDer);
}

/// <summary>
/// RSA keys as PROTOCOL.md section 5 wants them: at least 2048 bits, public keys as DER
/// SubjectPublicKeyInfo, private keys in PEM files (PKCS#8, as <c>openssl genpkey -algorithm RSA</c>
/// writes them; the older PKCS#1 <c>RSA PRIVATE KEY</c> is read too), and fingerprints
/// <c>SHA256:</c> + unpadded base64 of SHA-256 over the DER public key.
/// </summary>
public static class ChatKeys
{
    /// <summary>
    /// BouncyCastle tests every RSA modulus it is given for primality (Miller-Rabin, rounds by size)
    /// unless this property says 0; it is read at each use, from the environment. See <see cref="ReadPublicKey"/>.
    /// </summary>
    private const string PrimalityTestsProperty = "Org.BouncyCastle.Rsa.MaxMRTests";

    static ChatKeys() => Environment.SetEnvironmentVariable(PrimalityTestsProperty, "0");

    public const int MinimumBits = 2048;
    /// <summary>The largest key accepted or made: RSA's cost grows with the cube of the size.</summary>
    public const int MaximumBits = 4096;
    /// <summary>
    /// Public exponents up to 65537, the usual one (PROTOCOL.md section 5): a public operation costs
    /// one multiplication per bit of the exponent, so a huge exponent would make every check slow.
    /// </summary>
    public const int MaximumExponent = 65537;
    /// <summary>Base64 of the DER SubjectPublicKeyInfo of a <see cref="MaximumBits"/> key (550 bytes) with room to spare.</summary>
    private const int MaxPublicKeyBase64 = 1024;

    public static ChatKeyPair Generate(int bits)
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), new SecureRandom(), bits, 100));
        return new ChatKeyPair((RsaPrivateCrtKeyParameters)generator.GenerateKeyPair().Private);
    }

    public static byte[] PublicKeyDer(RsaKeyParameters publicKey) =>
        SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey).GetDerEncoded();

    public static string Fingerprint(byte[] publicKeyDer) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(publicKeyDer)).TrimEnd('=');

    /// <summary>
    /// Reads a peer's public key from base64 DER; throws <see cref="ChatCryptoException"/> with what is
    /// wrong. Everything cheap is checked before anything costly: the text's length, the DER's form,
    /// the modulus size (<see cref="MinimumBits"/> to <see cref="MaximumBits"/>) and the public exponent
    /// (odd, 3 to <see cref="MaximumExponent"/>), then BouncyCastle's structure checks (an odd modulus
    /// with no small prime factor). Not whether the modulus is prime: a Miller-Rabin test of a 4096-bit
    /// prime costs half a second of CPU, which any client could make the server spend again and again,
    /// and a bad key hurts only its owner (TLS libraries do not test a peer's modulus either).
    /// </summary>
    public static RsaKeyParameters ReadPublicKey(string base64)
    {
        if (base64.Length > MaxPublicKeyBase64)
            throw new ChatCryptoException($"key is longer than an RSA key of {MaximumBits} bits");
        if (ValidatedKeys.TryGet(base64, out var known))
            return known;
        byte[] der;
        try
        {
            der = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new ChatCryptoException("key is not base64");
        }
        RsaPublicKeyStructure structure;
        try
        {
            var info = SubjectPublicKeyInfo.GetInstance(der);
            if (!info.Algorithm.Algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption))
                throw new ChatCryptoException("key is not an RSA public key");
            structure = RsaPublicKeyStructure.GetInstance(info.ParsePublicKey());
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or InvalidOperationException)
        {
            throw new ChatCryptoException("key is not a DER SubjectPublicKeyInfo");
        }
        CheckSize(structure.Modulus, structure.PublicExponent);
        RsaKeyParameters rsa;
        try
        {
            rsa = new RsaKeyParameters(false, structure.Modulus, structure.PublicExponent);
        }
        catch (ArgumentException e)
        {
            throw new ChatCryptoException($"key is not a usable RSA key: {e.Message}");
        }
        ValidatedKeys.Add(base64, rsa);
        return rsa;
    }

    /// <summary>The sizes an RSA public key may have here; a bigger one would cost a core for seconds per operation.</summary>
    private static void CheckSize(BigInteger modulus, BigInteger exponent)
    {
        if (modulus.BitLength < MinimumBits)
            throw new ChatCryptoException($"key has {modulus.BitLength} bits, under {MinimumBits}");
        if (modulus.BitLength > MaximumBits)
            throw new ChatCryptoException($"key has {modulus.BitLength} bits, over {MaximumBits}");
        if (exponent.CompareTo(BigInteger.ValueOf(MaximumExponent)) > 0 || exponent.CompareTo(BigInteger.Three) < 0 || !exponent.TestBit(0))
            throw new ChatCryptoException($"key has public exponent {(exponent.BitLength > 64 ? $"of {exponent.BitLength} bits" : exponent.ToString())}; expected an odd number from 3 to 65537");
    }

    /// <summary>The private key of a PEM text (PKCS#8 or PKCS#1); throws <see cref="ChatCryptoException"/>.</summary>
    public static ChatKeyPair ReadPrivateKeyPem(string pem)
    {
        PemObject? block;
        try
        {
            block = new PemReader(new StringReader(pem)).ReadPemObject();
        }
        catch (IOException e)
        {
            throw new ChatCryptoException($"not a PEM file: {e.Message}");
        }
        RsaPrivateCrtKeyParameters key;
        try
        {
            key = block?.Type switch
            {
                "PRIVATE KEY" => PrivateKeyFactory.CreateKey(block.Content) as RsaPrivateCrtKeyParameters
                    ?? throw new ChatCryptoException("the PEM private key is not RSA"),
                "RSA PRIVATE KEY" => ToParameters(RsaPrivateKeyStructure.GetInstance(block.Content)),
                null => throw new ChatCryptoException("no PEM block found"),
                _ => throw new ChatCryptoException($"a PEM \"{block.Type}\" block is not a private key (expected PRIVATE KEY)"),
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or InvalidOperationException)
        {
            throw new ChatCryptoException($"the PEM private key cannot be read: {e.Message}");
        }
        if (key.Modulus.BitLength < MinimumBits)
            throw new ChatCryptoException($"the key has {key.Modulus.BitLength} bits, under {MinimumBits}");
        if (key.Modulus.BitLength > MaximumBits)
            throw new ChatCryptoException($"the key has {key.Modulus.BitLength} bits, over {MaximumBits}");
        return new ChatKeyPair(key);
    }

    /// <summary>PKCS#8 PEM, <c>-----BEGIN PRIVATE KEY-----</c>.</summary>
    public static string WritePrivateKeyPem(ChatKeyPair keys)
    {
        var der = PrivateKeyInfoFactory.CreatePrivateKeyInfo(keys.Private).GetDerEncoded();
        using var text = new StringWriter();
        new PemWriter(text).WriteObject(new PemObject("PRIVATE KEY", der));
        return text.ToString();
    }

    /// <summary>
    /// Loads the key file, or makes a key of <paramref name="bits"/> and saves it (folder made if
    /// missing, file readable by its owner only). Throws <see cref="ChatCryptoException"/> for a file
    /// that is not a usable key, and the file system's exception when it cannot be read or written.
    /// </summary>
    /// <remarks>
    /// The new key is written to a temporary file and moved into place, never overwriting: when two
    /// programs start for the first time at once, one key wins whole and the other program uses it.
    /// </remarks>
    public static (ChatKeyPair Keys, bool Created) LoadOrCreate(string path, int bits)
    {
        if (File.Exists(path))
            return (ReadPrivateKeyPem(File.ReadAllText(path)), false);
        var keys = Generate(bits);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var file = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
                file.Write(WritePrivateKeyPem(keys));
            File.Move(temporary, path, overwrite: false);
            return (keys, true);
        }
        catch (IOException) when (File.Exists(path))
        {
            return (ReadPrivateKeyPem(File.ReadAllText(path)), false); // another program made it first
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static RsaPrivateCrtKeyParameters ToParameters(RsaPrivateKeyStructure k) =>
        new(k.Modulus, k.PublicExponent, k.PrivateExponent, k.Prime1, k.Prime2, k.Exponent1, k.Exponent2, k.Coefficient);
}

/// <summary>A chat check that failed; the message is what follows <c>ERR crypto: </c>.</summary>
public sealed class ChatCryptoException(string message) : Exception(message);
