using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorSockets.Protocol.Settings;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// Who may join (PROTOCOL.md section 7): this node's certificate and the cluster's certificate
/// authority, loaded and checked before anything starts, and the check every peer's certificate
/// must pass in both directions of Akka.Remote's TLS: it chains to <see cref="Authority"/>, and to
/// nothing else (the machine's trust store plays no part). Host names are not checked: nodes are
/// known by their certificate's issuer, since a node's address may change (a restart elsewhere).
/// </summary>
public sealed class ClusterTls
{
    private ClusterTls(X509Certificate2 certificate, X509Certificate2 authority)
    {
        Certificate = certificate;
        Authority = authority;
    }

    /// <summary>This node's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The cluster's CA.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>Refused peers, logged once a minute per address: by <see cref="Validate"/>, and in Akka's log as its filter.</summary>
    public RefusedPeerLog Refusals { get; } = new();

    /// <summary>
    /// The node's TLS material when <paramref name="settings"/> require TLS (null when they do not).
    /// Throws <see cref="SettingsException"/> with one line naming the file and the problem.
    /// </summary>
    public static ClusterTls? Load(ActorSocketsSettings settings, DateTimeOffset now)
    {
        if (!settings.ClusterEnabled || !settings.ClusterTlsRequired)
            return null;
        var authority = LoadAuthority(settings.ClusterTlsCa);
        var certificate = LoadCertificate(settings.ClusterTlsCertificate, Password(settings.ClusterTlsPassword));
        if (!certificate.HasPrivateKey)
            throw Refuse("certificate", settings.ClusterTlsCertificate, "it holds no private key (export the PKCS#12 file with the node's key)");
        if (now < certificate.NotBefore || now > certificate.NotAfter)
            throw Refuse("certificate", settings.ClusterTlsCertificate,
                $"it is valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}, not now");
        var tls = new ClusterTls(certificate, authority);
        if (!tls.ChainsToAuthority(certificate, out var why))
            throw Refuse("certificate", settings.ClusterTlsCertificate, $"it is not signed by the CA in {settings.ClusterTlsCa} ({why})");
        return tls;
    }

    /// <summary>Whether <paramref name="peer"/> chains to the cluster's CA alone; <paramref name="why"/> says what failed.</summary>
    public bool ChainsToAuthority(X509Certificate2 peer, out string why)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(peer))
        {
            why = "";
            return true;
        }
        why = string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation.Trim()).Where(text => text.Length > 0).Distinct());
        if (why.Length == 0)
            why = "no chain to the CA";
        return false;
    }

    /// <summary>The check Akka.Remote runs on each peer's certificate, both sides of every handshake.</summary>
    public CertificateValidationCallback Validator => Validate;

    private bool Validate(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors, ILoggingAdapter log)
    {
        // The machine's verdict (errors) is not ours: an untrusted root is expected, the CA is ours.
        string why;
        if (certificate is null)
            why = "it presented no certificate";
        else if (ChainsToAuthority(certificate, out why))
            return true;
        if (Refusals.FirstThisMinute(remotePeer))
            log.Warning("cluster: refused {0}: its certificate does not chain to the cluster's CA ({1}); logged once a minute per address", remotePeer, why);
        return false;
    }

    private static X509Certificate2 LoadAuthority(string path)
    {
        if (!File.Exists(path))
            throw Refuse("ca", path, "the file is not found");
        try
        {
            var authority = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            return authority;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw Refuse("ca", path, $"it is not a PEM certificate ({e.Message.TrimEnd('.')})");
        }
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        if (!File.Exists(path))
            throw Refuse("certificate", path, "the file is not found");
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw Refuse("certificate", path, $"it cannot be opened as PKCS#12 with the password given (cluster.tls.password): {e.Message.TrimEnd('.')}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Refuse("certificate", path, $"it cannot be read ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>The password as given, or read from the environment for <c>env:NAME</c>.</summary>
    private static string? Password(string setting)
    {
        if (!setting.StartsWith("env:", StringComparison.Ordinal))
            return setting.Length == 0 ? null : setting;
        var name = setting["env:".Length..];
        return Environment.GetEnvironmentVariable(name)
            ?? throw new SettingsException($"config error: actor-sockets.cluster.tls.password names the environment variable {name}, which is not set");
    }

    private static SettingsException Refuse(string key, string path, string problem) =>
        new($"config error: actor-sockets.cluster.tls.{key} = \"{path}\": {problem}");
}
