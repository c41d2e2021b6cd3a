using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace ActorSockets.Protocol.Chat;

/// <summary>Who sends a chat message: the byte that enters the additional data.</summary>
public enum ChatDirection : byte
{
    ClientToServer = (byte)'C',
    ServerToClient = (byte)'S',
}

/// <summary>The five fields of a <c>MSG</c> line, decoded from base64 but not yet checked.</summary>
public sealed record SealedMessage(long Seq, byte[] WrappedKey, byte[] Nonce, byte[] Ciphertext, byte[] Signature)
{
    public string ToLine() =>
        $"MSG {Seq.ToString(CultureInfo.InvariantCulture)} {Convert.ToBase64String(WrappedKey)} {Convert.ToBase64String(Nonce)} " +
        $"{Convert.ToBase64String(Ciphertext)} {Convert.ToBase64String(Signature)}";
}

/// <summary>
/// The chat envelope of PROTOCOL.md section 5, to the letter, so that other implementations
/// interoperate: a fresh 32-byte key K and 12-byte nonce N per message; K wrapped with RSA-OAEP
/// (SHA-256, MGF1-SHA-256, empty label) for the recipient; the UTF-8 text sealed with AES-256-GCM
/// under K and N with additional data <c>"chat/1" ‖ dir ‖ seq (8 bytes, big-endian)</c>, the 16-byte
/// tag appended; and RSA-PSS (SHA-256, MGF1-SHA-256, salt 32) by the sender over
/// <c>aad ‖ wrapped-key ‖ N ‖ ciphertext</c>.
/// </summary>
public static class ChatEnvelope
{
    public const int KeyBytes = 32;
    public const int NonceBytes = 12;
    public const int TagBits = 128;
    public const int SaltBytes = 32;
    private static readonly byte[] Version = "chat/1"u8.ToArray();
    private static readonly SecureRandom Random = new();

    public static byte[] AdditionalData(ChatDirection direction, long seq)
    {
        var aad = new byte[Version.Length + 1 + 8];
        Version.CopyTo(aad, 0);
        aad[Version.Length] = (byte)direction;
        BinaryPrimitives.WriteUInt64BigEndian(aad.AsSpan(Version.Length + 1), (ulong)seq);
        return aad;
    }

    public static SealedMessage Seal(string text, long seq, ChatDirection direction, RsaKeyParameters recipient, RsaKeyParameters sender)
    {
        var key = new byte[KeyBytes];
        var nonce = new byte[NonceBytes];
        Random.NextBytes(key);
        Random.NextBytes(nonce);
        var aad = AdditionalData(direction, seq);

        var oaep = Oaep();
        oaep.Init(true, new ParametersWithRandom(recipient, Random));
        var wrapped = oaep.ProcessBlock(key, 0, key.Length);

        var gcm = new GcmBlockCipher(new AesEngine());
        gcm.Init(true, new AeadParameters(new KeyParameter(key), TagBits, nonce, aad));
        var plain = Encoding.UTF8.GetBytes(text);
        var ciphertext = new byte[gcm.GetOutputSize(plain.Length)];
        var length = gcm.ProcessBytes(plain, 0, plain.Length, ciphertext, 0);
        gcm.DoFinal(ciphertext, length);

        return new SealedMessage(seq, wrapped, nonce, ciphertext, SignatureOf(sender, aad, wrapped, nonce, ciphertext));
    }

    /// <summary>The sender's RSA-PSS signature over the parts: by .NET's RSA for a full private key, else BouncyCastle's.</summary>
    private static byte[] SignatureOf(RsaKeyParameters sender, params byte[][] parts)
    {
        if (sender is RsaPrivateCrtKeyParameters full)
            return PlatformRsa.Sign(full, Concat(parts));
        var signer = Pss();
        signer.Init(true, new ParametersWithRandom(sender, Random));
        Feed(signer, parts);
        return signer.GenerateSignature();
    }

    /// <summary>
    /// Reads the form of a <c>MSG</c> line: five fields, a number and four base64 fields, each no
    /// longer than it can be (RSA fields of a key of at most <see cref="ChatKeys.MaximumBits"/>, a
    /// 12-byte nonce, a text of at most <paramref name="maxMessageBytes"/>), checked before any is decoded.
    /// </summary>
    public static SealedMessage Parse(string line, int maxMessageBytes = int.MaxValue / 2)
    {
        var fields = line.Split(' ');
        if (fields.Length != 6 || !fields[0].Equals("MSG", StringComparison.OrdinalIgnoreCase))
            throw new ChatCryptoException("a message is MSG <seq> <wrapped-key> <nonce> <ciphertext> <signature>");
        if (fields[1].Length > 19 || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < 1)
            throw new ChatCryptoException("seq is not a number from 1 up");
        const int rsaBytes = ChatKeys.MaximumBits / 8;
        CheckLength(fields[2], rsaBytes, "wrapped-key");
        CheckLength(fields[3], NonceBytes, "nonce");
        CheckLength(fields[4], (long)maxMessageBytes + TagBits / 8, "ciphertext");
        CheckLength(fields[5], rsaBytes, "signature");
        try
        {
            return new SealedMessage(seq, Convert.FromBase64String(fields[2]), Convert.FromBase64String(fields[3]),
                Convert.FromBase64String(fields[4]), Convert.FromBase64String(fields[5]));
        }
        catch (FormatException)
        {
            throw new ChatCryptoException("a field is not base64");
        }
    }

    /// <summary>Base64 of at most <paramref name="maxBytes"/> bytes is at most 4 characters per 3 bytes, rounded up.</summary>
    private static void CheckLength(string base64, long maxBytes, string field)
    {
        if (base64.Length > (maxBytes + 2) / 3 * 4)
            throw new ChatCryptoException($"{field} is longer than it can be");
    }

    /// <summary>
    /// Checks, in the protocol's order after the form and the turn: the seq expected, the signature,
    /// then decrypts and checks the size. Throws <see cref="ChatCryptoException"/> naming what failed.
    /// </summary>
    public static string Open(SealedMessage message, long expectedSeq, ChatDirection direction,
        RsaKeyParameters sender, RsaKeyParameters recipient, int maxMessageBytes)
    {
        if (message.Seq != expectedSeq)
            throw new ChatCryptoException($"wrong seq {message.Seq}, expected {expectedSeq}");
        var aad = AdditionalData(direction, message.Seq);

        if (!SignatureHolds(message, aad, sender))
            throw new ChatCryptoException("bad signature");

        var key = Unwrap(message.WrappedKey, recipient);
        if (key.Length != KeyBytes || message.Nonce.Length != NonceBytes || message.Ciphertext.Length < TagBits / 8)
            throw new ChatCryptoException("bad key, nonce or ciphertext length");

        byte[] plain;
        try
        {
            var gcm = new GcmBlockCipher(new AesEngine());
            gcm.Init(false, new AeadParameters(new KeyParameter(key), TagBits, message.Nonce, aad));
            plain = new byte[gcm.GetOutputSize(message.Ciphertext.Length)];
            var length = gcm.ProcessBytes(message.Ciphertext, 0, message.Ciphertext.Length, plain, 0);
            gcm.DoFinal(plain, length);
        }
        catch (InvalidCipherTextException)
        {
            throw new ChatCryptoException("bad tag");
        }
        if (plain.Length > maxMessageBytes)
            throw new ChatCryptoException($"message exceeds {maxMessageBytes} bytes");
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(plain);
        }
        catch (DecoderFallbackException)
        {
            throw new ChatCryptoException("the text is not valid UTF-8");
        }
    }

    /// <summary>K, unwrapped with the recipient's private key: by .NET's RSA for a full private key, else BouncyCastle's.</summary>
    private static byte[] Unwrap(byte[] wrapped, RsaKeyParameters recipient)
    {
        if (recipient is RsaPrivateCrtKeyParameters full)
            return PlatformRsa.UnwrapKey(full, wrapped);
        try
        {
            var oaep = Oaep();
            oaep.Init(false, recipient);
            return oaep.ProcessBlock(wrapped, 0, wrapped.Length);
        }
        catch (Exception e) when (e is InvalidCipherTextException or DataLengthException)
        {
            throw new ChatCryptoException("the wrapped key cannot be unwrapped");
        }
    }

    private static bool SignatureHolds(SealedMessage message, byte[] aad, RsaKeyParameters sender)
    {
        var verifier = Pss();
        verifier.Init(false, sender);
        Feed(verifier, aad, message.WrappedKey, message.Nonce, message.Ciphertext);
        try
        {
            return verifier.VerifySignature(message.Signature);
        }
        catch (DataLengthException)
        {
            // A signature whose number is not below the sender's modulus (a forged one, or one made
            // with another key) is refused by the RSA engine before any check: it is a bad signature.
            return false;
        }
    }

    /// <summary>True for the message that ends a chat: <c>Good Bye</c>, trimmed, in any letter case.</summary>
    public static bool IsGoodBye(string text) => text.Trim().Equals("Good Bye", StringComparison.OrdinalIgnoreCase);

    private static OaepEncoding Oaep() => new(new RsaEngine(), new Sha256Digest(), new Sha256Digest(), null);

    private static PssSigner Pss() => new(new RsaEngine(), new Sha256Digest(), SaltBytes);

    private static byte[] Concat(byte[][] parts)
    {
        var all = new byte[parts.Sum(part => part.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(all, at);
            at += part.Length;
        }
        return all;
    }

    private static void Feed(ISigner signer, params byte[][] parts)
    {
        foreach (var part in parts)
            signer.BlockUpdate(part, 0, part.Length);
    }
}
