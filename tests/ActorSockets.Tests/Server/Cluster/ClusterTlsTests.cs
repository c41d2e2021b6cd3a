using ActorSockets.Configuration;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Cluster;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Server.Cluster;

/// <summary>
/// Who may join, at start (PROTOCOL.md section 7): the node's certificate and the CA are checked
/// before anything binds, and every problem is one line naming the file and what is wrong.
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private readonly TestCertificates _otherAuthority = new("other-ca");

    public void Dispose()
    {
        _certificates.Dispose();
        _otherAuthority.Dispose();
    }

    private static ActorSocketsSettings Settings(params string[] sets) =>
        ConfigLoader.Load(new ConfigSources(null, null, null, ["cluster.enabled=on", "service=sum", .. sets])).Settings;

    private static string Refusal(params string[] sets)
    {
        var error = Assert.Throws<SettingsException>(() => ClusterTls.Load(Settings(sets), DateTimeOffset.UtcNow)).Message;
        Assert.DoesNotContain("\n", error);
        return error;
    }

    [Fact]
    public void A_certificate_signed_by_the_ca_is_loaded_and_its_peers_are_judged_by_that_ca_alone()
    {
        var tls = ClusterTls.Load(Settings(_certificates.Sets(_certificates.Node("node1"))), DateTimeOffset.UtcNow);
        Assert.NotNull(tls);
        Assert.True(tls.Certificate.HasPrivateKey);
        using var peer = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(_certificates.Node("node2"), TestCertificates.Password);
        Assert.True(tls.ChainsToAuthority(peer, out _));
        using var stranger = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(_otherAuthority.Node("node3"), TestCertificates.Password);
        Assert.False(tls.ChainsToAuthority(stranger, out var why));
        Assert.NotEmpty(why);
        using var selfSigned = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(_certificates.SelfSigned("rogue"), TestCertificates.Password);
        Assert.False(tls.ChainsToAuthority(selfSigned, out _));
    }

    [Fact]
    public void On_loopback_auto_needs_no_tls_and_off_needs_none_anywhere()
    {
        Assert.Null(ClusterTls.Load(Settings(), DateTimeOffset.UtcNow));
        Assert.Null(ClusterTls.Load(Settings("cluster.hostname=10.0.0.11", "cluster.tls.mode=off"), DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Auto_with_an_address_other_nodes_reach_refuses_to_start_without_certificate_and_ca()
    {
        var error = Assert.Throws<SettingsException>(() => Settings("cluster.hostname=10.0.0.11")).Message;
        Assert.Contains("cluster.hostname 10.0.0.11 is not a loopback address", error);
        Assert.Contains("set cluster.tls.certificate", error);
        Assert.Contains("cluster.tls.mode = off", error);
    }

    [Fact]
    public void A_missing_file_is_named() =>
        Assert.Contains("cluster.tls.certificate = \"/nonexistent/node.p12\": the file is not found",
            Refusal(_certificates.Sets("/nonexistent/node.p12")));

    [Fact]
    public void A_wrong_password_is_named()
    {
        string[] sets = [.. _certificates.Sets(_certificates.Node("node1")).Where(set => !set.StartsWith("cluster.tls.password", StringComparison.Ordinal)), "cluster.tls.password=wrong"];
        Assert.Contains("cannot be opened as PKCS#12 with the password given", Refusal(sets));
    }

    [Fact]
    public void A_password_from_the_environment_is_read()
    {
        Environment.SetEnvironmentVariable("ACTOR_SOCKETS_TEST_TLS_PASSWORD", TestCertificates.Password);
        try
        {
            string[] sets = [.. _certificates.Sets(_certificates.Node("node1")).Where(set => !set.StartsWith("cluster.tls.password", StringComparison.Ordinal)),
                "cluster.tls.password=env:ACTOR_SOCKETS_TEST_TLS_PASSWORD"];
            Assert.NotNull(ClusterTls.Load(Settings(sets), DateTimeOffset.UtcNow));
        }
        finally
        {
            Environment.SetEnvironmentVariable("ACTOR_SOCKETS_TEST_TLS_PASSWORD", null);
        }
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused() =>
        Assert.Contains("holds no private key", Refusal(_certificates.Sets(_certificates.Node("node1", withKey: false))));

    [Fact]
    public void An_expired_certificate_is_refused() =>
        Assert.Contains("not now", Refusal(_certificates.Sets(_certificates.Node("node1", notAfter: DateTimeOffset.UtcNow.AddDays(-1)))));

    [Fact]
    public void A_certificate_of_another_ca_is_refused() =>
        Assert.Contains("is not signed by the CA in", Refusal(_certificates.Sets(_otherAuthority.Node("node1"))));

    [Fact]
    public void A_ca_file_that_is_no_certificate_is_refused()
    {
        var notPem = _certificates.Node("x"); // a PKCS#12 file, not PEM
        string[] sets = [.. _certificates.Sets(_certificates.Node("node1")).Where(set => !set.StartsWith("cluster.tls.ca", StringComparison.Ordinal)), $"cluster.tls.ca={notPem}"];
        Assert.Contains("is not a PEM certificate", Refusal(sets));
    }
}
