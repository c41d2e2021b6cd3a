using System.Security.Cryptography;
using System.Text;
using ActorSockets.Protocol.Chat;
using CsCheck;
using Org.BouncyCastle.Crypto.Parameters;

namespace ActorSockets.Tests.Protocol;

/// <summary>
/// The chat envelope, checked against itself and against .NET's own System.Security.Cryptography
/// (RSA-OAEP-SHA256, RSA-PSS-SHA256 with a 32-byte salt, AES-GCM), in both directions, so that a
/// parameter that differs from PROTOCOL.md cannot hide behind a round trip with itself.
/// </summary>
public class ChatEnvelopeTests
{
    // Keys made by .NET (fast, and an independent PKCS#8 writer), read by ours.
    private static readonly Lazy<(RSA Net, ChatKeyPair Ours)> Client = new(() => MakeKey(2048));
    private static readonly Lazy<(RSA Net, ChatKeyPair Ours)> Server = new(() => MakeKey(2048));

    private static (RSA Net, ChatKeyPair Ours) MakeKey(int bits)
    {
        var rsa = RSA.Create(bits);
        return (rsa, ChatKeys.ReadPrivateKeyPem(rsa.ExportPkcs8PrivateKeyPem()));
    }

    private static SealedMessage SealFromClient(string text, long seq = 1) =>
        ChatEnvelope.Seal(text, seq, ChatDirection.ClientToServer, Server.Value.Ours.Public, Client.Value.Ours.Private);

    private static string OpenAtServer(SealedMessage message, long expectedSeq = 1) =>
        ChatEnvelope.Open(message, expectedSeq, ChatDirection.ClientToServer, Client.Value.Ours.Public, Server.Value.Ours.Private, 4096);

    /// <summary>The message signed afresh by the client's key (with .NET), after its fields were changed.</summary>
    private static SealedMessage ResignedFromClient(SealedMessage message)
    {
        var aad = ChatEnvelope.AdditionalData(ChatDirection.ClientToServer, message.Seq);
        byte[] signed = [.. aad, .. message.WrappedKey, .. message.Nonce, .. message.Ciphertext];
        return message with { Signature = Client.Value.Net.SignData(signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pss) };
    }

    [Fact]
    public void A_client_key_is_validated_once_and_then_taken_from_the_cache()
    {
        var base64 = ActorSockets.Tests.Support.TestKeys.Make(2048).PublicBase64;
        var first = ChatKeys.ReadPublicKey(base64);
        Assert.Same(first, ChatKeys.ReadPublicKey(base64));
    }

    [Fact]
    public void A_sealed_message_opens_to_its_text_and_travels_as_one_line()
    {
        var line = SealFromClient("hello, żółw 🐢").ToLine();
        Assert.StartsWith("MSG 1 ", line);
        Assert.Equal(6, line.Split(' ').Length);
        Assert.Equal("hello, żółw 🐢", OpenAtServer(ChatEnvelope.Parse(line)));
    }

    [Fact]
    public void The_additional_data_is_chat1_the_direction_and_the_seq_big_endian() =>
        Assert.Equal([.. "chat/1"u8, (byte)'S', 0, 0, 0, 0, 0, 0, 1, 2], ChatEnvelope.AdditionalData(ChatDirection.ServerToClient, 258));

    [Fact]
    public void Tampering_with_any_byte_of_any_field_is_detected()
    {
        var message = SealFromClient("do not touch");
        byte[][] fields = [message.WrappedKey, message.Nonce, message.Ciphertext, message.Signature];
        for (var f = 0; f < fields.Length; f++)
        {
            foreach (var at in new[] { 0, fields[f].Length / 2, fields[f].Length - 1 })
            {
                var copies = fields.Select(b => (byte[])b.Clone()).ToArray();
                copies[f][at] ^= 0x01;
                var tampered = new SealedMessage(message.Seq, copies[0], copies[1], copies[2], copies[3]);
                Assert.Throws<ChatCryptoException>(() => OpenAtServer(tampered));
            }
        }
        // the seq is inside the signed additional data too
        Assert.Equal("bad signature", Assert.Throws<ChatCryptoException>(() => OpenAtServer(message with { Seq = 2 }, 2)).Message);
    }

    [Fact]
    public void Wrong_direction_wrong_seq_and_wrong_keys_fail()
    {
        var message = SealFromClient("hi");
        Assert.Equal("bad signature", Assert.Throws<ChatCryptoException>(() =>
            ChatEnvelope.Open(message, 1, ChatDirection.ServerToClient, Client.Value.Ours.Public, Server.Value.Ours.Private, 4096)).Message);
        Assert.Equal("wrong seq 1, expected 2", Assert.Throws<ChatCryptoException>(() => OpenAtServer(message, 2)).Message);
        Assert.Equal("bad signature", Assert.Throws<ChatCryptoException>(() =>
            ChatEnvelope.Open(message, 1, ChatDirection.ClientToServer, Server.Value.Ours.Public, Server.Value.Ours.Private, 4096)).Message);
        Assert.Equal("the wrapped key cannot be unwrapped", Assert.Throws<ChatCryptoException>(() =>
            ChatEnvelope.Open(message, 1, ChatDirection.ClientToServer, Client.Value.Ours.Public, Client.Value.Ours.Private, 4096)).Message);
    }

    [Fact]
    public void Rsa_fields_whose_number_is_not_below_the_modulus_are_refused_as_crypto_errors()
    {
        // The RSA engine rejects such input before any check with its own exception; a forged
        // or foreign-key signature can be like this, and it must read as a bad signature.
        var message = SealFromClient("hi");
        var allOnes = Enumerable.Repeat((byte)0xFF, message.Signature.Length).ToArray();
        var tooLong = new byte[message.Signature.Length + 1];
        tooLong[0] = 1;
        foreach (var signature in new[] { allOnes, tooLong })
            Assert.Equal("bad signature", Assert.Throws<ChatCryptoException>(() => OpenAtServer(message with { Signature = signature })).Message);

        // a wrapped key like that, signed properly so the check reaches the unwrapping
        var forged = ResignedFromClient(message with { WrappedKey = allOnes });
        Assert.Equal("the wrapped key cannot be unwrapped", Assert.Throws<ChatCryptoException>(() => OpenAtServer(forged)).Message);
    }

    /// <summary>Whatever bytes a peer puts in the four fields, opening fails only as a crypto error.</summary>
    [Fact]
    public void Random_field_contents_fail_only_as_crypto_errors()
    {
        var genuine = SealFromClient("hi");
        var modulusBytes = genuine.Signature.Length;
        var field = Gen.OneOf(Gen.Byte.Array[0, 40], Gen.Byte.Array[modulusBytes - 1, modulusBytes + 1]);
        var which = Gen.Int[0, 3];
        Gen.Select(which, field).Sample((index, bytes) =>
        {
            var forged = index switch
            {
                0 => genuine with { WrappedKey = bytes },
                1 => genuine with { Nonce = bytes },
                2 => genuine with { Ciphertext = bytes },
                _ => genuine with { Signature = bytes },
            };
            Assert.Throws<ChatCryptoException>(() => OpenAtServer(forged));
            // signed afresh, so the check goes past the signature into unwrapping and decryption
            // (a forged signature signed afresh is the genuine message again)
            if (index != 3)
                Assert.Throws<ChatCryptoException>(() => OpenAtServer(ResignedFromClient(forged)));
        }, iter: 60);
    }

    [Fact]
    public void A_text_over_the_limit_is_refused_after_decryption()
    {
        var message = SealFromClient(new string('x', 4097));
        Assert.Equal("message exceeds 4096 bytes", Assert.Throws<ChatCryptoException>(() => OpenAtServer(message)).Message);
    }

    [Theory]
    [InlineData("MSG 1 a b c")]
    [InlineData("MSG x AAAA AAAA AAAA AAAA")]
    [InlineData("MSG 0 AAAA AAAA AAAA AAAA")]
    [InlineData("MSG 1 AAAA AA!A AAAA AAAA")]
    [InlineData("MSG 1 AAAA AAAA AAAA AAAA extra")]
    public void A_line_of_the_wrong_form_is_refused_before_any_crypto(string line) =>
        Assert.Throws<ChatCryptoException>(() => ChatEnvelope.Parse(line));

    /// <summary>What we seal, .NET opens: OAEP-SHA256 unwrap, PSS-SHA256 verify, AES-GCM decrypt.</summary>
    [Fact]
    public void Dotnet_crypto_opens_what_we_seal()
    {
        var message = SealFromClient("across implementations");
        var aad = ChatEnvelope.AdditionalData(ChatDirection.ClientToServer, 1);
        byte[] signed = [.. aad, .. message.WrappedKey, .. message.Nonce, .. message.Ciphertext];
        Assert.True(Client.Value.Net.VerifyData(signed, message.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));

        var key = Server.Value.Net.Decrypt(message.WrappedKey, RSAEncryptionPadding.OaepSHA256);
        using var gcm = new AesGcm(key, 16);
        var plain = new byte[message.Ciphertext.Length - 16];
        gcm.Decrypt(message.Nonce, message.Ciphertext.AsSpan(0, plain.Length), message.Ciphertext.AsSpan(plain.Length), plain, aad);
        Assert.Equal("across implementations", Encoding.UTF8.GetString(plain));
    }

    /// <summary>What .NET seals by the protocol's recipe, we open.</summary>
    [Fact]
    public void We_open_what_dotnet_crypto_seals()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var aad = ChatEnvelope.AdditionalData(ChatDirection.ServerToClient, 5);
        var plain = Encoding.UTF8.GetBytes("from the other side");
        var ciphertext = new byte[plain.Length + 16];
        using (var gcm = new AesGcm(key, 16))
            gcm.Encrypt(nonce, plain, ciphertext.AsSpan(0, plain.Length), ciphertext.AsSpan(plain.Length), aad);
        var wrapped = Client.Value.Net.Encrypt(key, RSAEncryptionPadding.OaepSHA256);
        var signature = Server.Value.Net.SignData([.. aad, .. wrapped, .. nonce, .. ciphertext], HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        var line = new SealedMessage(5, wrapped, nonce, ciphertext, signature).ToLine();
        Assert.Equal("from the other side", ChatEnvelope.Open(ChatEnvelope.Parse(line), 5, ChatDirection.ServerToClient,
            Server.Value.Ours.Public, Client.Value.Ours.Private, 4096));
    }

    /// <summary>
    /// The private-key operations run on .NET's RSA for a full (CRT) private key and on
    /// BouncyCastle's engine for a bare one (modulus and private exponent): each opens what the other
    /// seals, and each refuses what the other would refuse.
    /// </summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void The_platform_and_bouncycastle_private_key_paths_agree_both_ways(bool sealOnPlatform, bool openOnPlatform)
    {
        static RsaKeyParameters Bare(RsaPrivateCrtKeyParameters key) => new(true, key.Modulus, key.Exponent);
        var clientPrivate = sealOnPlatform ? Client.Value.Ours.Private : Bare(Client.Value.Ours.Private);
        var serverPrivate = openOnPlatform ? Server.Value.Ours.Private : Bare(Server.Value.Ours.Private);

        var message = ChatEnvelope.Seal("across the two engines", 3, ChatDirection.ClientToServer, Server.Value.Ours.Public, clientPrivate);
        Assert.Equal("across the two engines", ChatEnvelope.Open(message, 3, ChatDirection.ClientToServer,
            Client.Value.Ours.Public, serverPrivate, 4096));

        var wrongKey = message with { WrappedKey = ChatEnvelope.Seal("x", 3, ChatDirection.ClientToServer, Client.Value.Ours.Public, clientPrivate).WrappedKey };
        Assert.Equal("the wrapped key cannot be unwrapped", Assert.Throws<ChatCryptoException>(() =>
            ChatEnvelope.Open(ResignedFromClient(wrongKey), 3, ChatDirection.ClientToServer, Client.Value.Ours.Public, serverPrivate, 4096)).Message);
    }

    [Fact]
    public void Public_keys_and_fingerprints_agree_with_dotnet()
    {
        var ours = Server.Value.Ours;
        Assert.Equal(Server.Value.Net.ExportSubjectPublicKeyInfo(), ours.PublicDer);
        var expected = "SHA256:" + Convert.ToBase64String(SHA256.HashData(Server.Value.Net.ExportSubjectPublicKeyInfo())).TrimEnd('=');
        Assert.Equal(expected, ours.Fingerprint);
        Assert.DoesNotContain("=", ours.Fingerprint);
        Assert.Equal(ours.Public.Modulus, ChatKeys.ReadPublicKey(ours.PublicBase64).Modulus);
    }

    [Fact]
    public void Our_pkcs8_pem_is_read_by_dotnet_and_the_same_key_comes_back()
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(ChatKeys.WritePrivateKeyPem(Client.Value.Ours));
        Assert.Equal(Client.Value.Net.ExportSubjectPublicKeyInfo(), rsa.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Keys_under_2048_bits_and_keys_that_are_not_rsa_public_keys_are_refused()
    {
        using var small = RSA.Create(1024);
        Assert.Contains("under 2048", Assert.Throws<ChatCryptoException>(() => ChatKeys.ReadPrivateKeyPem(small.ExportPkcs8PrivateKeyPem())).Message);
        Assert.Contains("under 2048", Assert.Throws<ChatCryptoException>(() =>
            ChatKeys.ReadPublicKey(Convert.ToBase64String(small.ExportSubjectPublicKeyInfo()))).Message);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Contains("not an RSA public key", Assert.Throws<ChatCryptoException>(() =>
            ChatKeys.ReadPublicKey(Convert.ToBase64String(ec.ExportSubjectPublicKeyInfo()))).Message);
        Assert.Throws<ChatCryptoException>(() => ChatKeys.ReadPublicKey("not base64!"));
        Assert.Throws<ChatCryptoException>(() => ChatKeys.ReadPublicKey(Convert.ToBase64String([1, 2, 3])));
        Assert.Throws<ChatCryptoException>(() => ChatKeys.ReadPrivateKeyPem("no pem here"));
    }

    [Fact]
    public void A_key_file_is_made_once_owner_only_and_read_back_with_the_same_fingerprint()
    {
        var folder = Directory.CreateTempSubdirectory("actor-sockets-keys-").FullName;
        try
        {
            var path = Path.Combine(folder, "nested", "server.pem");
            var (made, created) = ChatKeys.LoadOrCreate(path, 2048);
            Assert.True(created);
            Assert.Equal(2048, made.Bits);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path));
            var (again, createdAgain) = ChatKeys.LoadOrCreate(path, 2048);
            Assert.False(createdAgain);
            Assert.Equal(made.Fingerprint, again.Fingerprint);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("Good Bye", true)]
    [InlineData("  good bye\t", true)]
    [InlineData("GOOD BYE", true)]
    [InlineData("Goodbye", false)]
    [InlineData("Good Bye!", false)]
    public void Good_bye_is_recognised_trimmed_in_any_case(string text, bool ends) =>
        Assert.Equal(ends, ChatEnvelope.IsGoodBye(text));
}
