using ActorSockets.Tests.Support;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// Chat input made to cost the server: keys too large or with a huge exponent, fields longer than
/// they can be. Each is refused with <c>ERR crypto</c> before any costly work, the connection
/// closes, and the server goes on serving.
/// </summary>
public class ChatAbuseTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Task<RunningServer> StartEchoAsync() =>
        RunningServer.StartAsync("service=chat", "chat.responder=echo", $"chat.server-key={_folder.File("server.pem")}", "timeout=off", "clients-limit=20");

    /// <summary>The base64 DER SubjectPublicKeyInfo of an RSA "key" with this modulus size and exponent (not a real key: only its sizes matter).</summary>
    private static string FakeKey(int modulusBits, BigInteger exponent)
    {
        var modulus = BigInteger.One.ShiftLeft(modulusBits - 1).Add(BigInteger.ValueOf(12345));
        var info = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance),
            new RsaPublicKeyStructure(modulus, exponent));
        return Convert.ToBase64String(info.GetDerEncoded());
    }

    public static TheoryData<string, string> BadKeys => new()
    {
        { FakeKey(16384, BigInteger.One.ShiftLeft(16000).Add(BigInteger.One)), "ERR crypto: key is longer than an RSA key of 4096 bits" },
        { FakeKey(8192, BigInteger.ValueOf(65537)), "ERR crypto: key is longer than an RSA key of 4096 bits" },
        { FakeKey(5000, BigInteger.ValueOf(65537)), "ERR crypto: key has 5000 bits, over 4096" },
        { FakeKey(2048, BigInteger.One.ShiftLeft(1000).Add(BigInteger.One)), "ERR crypto: key has public exponent of 1001 bits; expected an odd number from 3 to 65537" },
        { FakeKey(2048, BigInteger.ValueOf(65538)), "ERR crypto: key has public exponent 65538; expected an odd number from 3 to 65537" },
        { FakeKey(2048, BigInteger.ValueOf(65539)), "ERR crypto: key has public exponent 65539; expected an odd number from 3 to 65537" },
        { FakeKey(2048, BigInteger.ValueOf(131071)), "ERR crypto: key has public exponent 131071; expected an odd number from 3 to 65537" },
        { FakeKey(1024, BigInteger.ValueOf(65537)), "ERR crypto: key has 1024 bits, under 2048" },
        { new string('A', 5000), "ERR crypto: key is longer than an RSA key of 4096 bits" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_key_of_a_size_or_exponent_outside_the_range_is_refused_before_any_rsa_work(string key, string expected)
    {
        await using var server = await StartEchoAsync();
        await using (var raw = await TcpTestClient.ConnectAsync(server.EndPoint))
        {
            Assert.StartsWith("HELLO chat/1 ", await raw.ReadLineAsync());
            Assert.Equal(expected + "\n", await raw.AskAsync("KEY " + key));
            Assert.Null(await raw.ReadLineAsync());
        }
        await AChatStillWorks(server);
    }

    /// <summary>
    /// A prime modulus is a key only its owner is hurt by (nobody can decrypt what is sealed for it,
    /// and its signatures verify as any other). Testing for it cost the server half a second of CPU
    /// per 4096-bit KEY, again for every connection that sent it; now the key is taken like any other.
    /// </summary>
    [Fact]
    public async Task A_key_whose_modulus_is_prime_costs_no_primality_test_and_is_taken()
    {
        var prime = BigInteger.ProbablePrime(2048, new Org.BouncyCastle.Security.SecureRandom());
        var info = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance),
            new RsaPublicKeyStructure(prime, BigInteger.ValueOf(65537)));
        await using var server = await StartEchoAsync();
        await using (var raw = await TcpTestClient.ConnectAsync(server.EndPoint))
        {
            Assert.StartsWith("HELLO chat/1 ", await raw.ReadLineAsync());
            Assert.Equal("READY\n", await raw.AskAsync("KEY " + Convert.ToBase64String(info.GetDerEncoded())));
        }
        await AChatStillWorks(server);
    }

    [Theory]
    [InlineData(3000, 16, 40, 344, "ERR crypto: wrapped-key is longer than it can be")]
    [InlineData(344, 100, 40, 344, "ERR crypto: nonce is longer than it can be")]
    [InlineData(344, 16, 6000, 344, "ERR crypto: ciphertext is longer than it can be")]
    [InlineData(344, 16, 40, 3000, "ERR crypto: signature is longer than it can be")]
    public async Task A_message_field_longer_than_it_can_be_is_refused_before_it_is_decoded(int wrapped, int nonce, int cipher, int signature, string expected)
    {
        await using var server = await StartEchoAsync();
        await using (var chat = await ChatTestClient.ConnectAsync(server.EndPoint))
        {
            var line = $"MSG 1 {new string('A', wrapped)} {new string('A', nonce)} {new string('A', cipher)} {new string('A', signature)}";
            Assert.Equal(expected + "\n", await chat.Raw.AskAsync(line));
            Assert.Null(await chat.Raw.ReadLineAsync());
        }
        await AChatStillWorks(server);
    }

    private static async Task AChatStillWorks(RunningServer server)
    {
        await using var chat = await ChatTestClient.ConnectAsync(server.EndPoint);
        await chat.SayAsync("still there?");
        Assert.Equal("echo: still there?", await chat.HearAsync());
    }
}
