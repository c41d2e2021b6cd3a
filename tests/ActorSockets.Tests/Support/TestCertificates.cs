using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorSockets.Tests.Support;

/// <summary>
/// A certificate authority and node certificates for cluster TLS tests, made with .NET's
/// <see cref="CertificateRequest"/> into a folder of their own (what scripts/cluster-certs.sh makes
/// with openssl): the CA as PEM, each node as a password-protected PKCS#12 file.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    public const string Password = "test-password";
    private readonly TempFolder _folder = new();
    private readonly X509Certificate2 _authority;

    public TestCertificates(string name = "ca")
    {
        _authority = MakeAuthority(name);
        CaPem = _folder.File($"{name}.pem");
        File.WriteAllText(CaPem, _authority.ExportCertificatePem());
    }

    /// <summary>The CA's certificate, PEM.</summary>
    public string CaPem { get; }

    /// <summary>A node's PKCS#12 file signed by this CA (or by <paramref name="signer"/>'s), valid now unless told.</summary>
    public string Node(string name, TestCertificates? signer = null, DateTimeOffset? notAfter = null, bool withKey = true, string password = Password)
    {
        var issuer = (signer ?? this)._authority;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var until = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        using var signed = request.Create(issuer, until.AddDays(-60), until, RandomNumberGenerator.GetBytes(8));
        using var withPrivateKey = signed.CopyWithPrivateKey(key);
        var path = _folder.File($"{name}.p12");
        File.WriteAllBytes(path, withKey ? withPrivateKey.Export(X509ContentType.Pkcs12, password) : signed.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>A node certificate signed by itself: a certificate, but no CA's.</summary>
    public string SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = _folder.File($"{name}-self.p12");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return path;
    }

    /// <summary>The settings that make a node present <paramref name="certificate"/> and trust this CA.</summary>
    public string[] Sets(string certificate) =>
        ["cluster.tls.mode=on", $"cluster.tls.certificate={certificate}", $"cluster.tls.password={Password}", $"cluster.tls.ca={CaPem}"];

    public void Dispose()
    {
        _authority.Dispose();
        _folder.Dispose();
    }

    private static X509Certificate2 MakeAuthority(string name)
    {
        var key = RSA.Create(2048); // kept with the certificate: it signs the nodes' certificates
        var request = new CertificateRequest($"CN=ActorSockets test {name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-365), DateTimeOffset.UtcNow.AddDays(365));
    }
}
