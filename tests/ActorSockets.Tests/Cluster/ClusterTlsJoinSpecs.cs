using ActorSockets.Protocol;
using ActorSockets.Server.Hosting;
using ActorSockets.Tests.Support;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSockets.Tests.Cluster;

/// <summary>
/// Only nodes with a certificate of the cluster's CA join (PROTOCOL.md section 7). A node that was
/// once let in by reaching the cluster port (issue 19) is refused at the TLS handshake, in plaintext
/// or with a certificate of its own making, while a node with the CA's certificate joins.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class ClusterTlsJoinSpecs : IDisposable
{
    /// <summary>Liveness bound for a join that should happen (measured: about 2 s), and the wait for one that must not.</summary>
    private static readonly TimeSpan JoinWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefusedWait = TimeSpan.FromSeconds(8);

    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    private static int UpSeenBy(RunningServer node) =>
        Akka.Cluster.Cluster.Get(node.Services.GetRequiredService<ActorSystem>()).State.Members.Count(member => member.Status == MemberStatus.Up);

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
                return true;
            await Task.Delay(200);
        }
        return condition();
    }

    private static int Up(ActorSystem system) => Akka.Cluster.Cluster.Get(system).State.Members.Count(member => member.Status == MemberStatus.Up);

    /// <summary>A bare Akka cluster node over TLS with <paramref name="certificate"/>, trusting any peer, joining the seed.</summary>
    private static ActorSystem RogueNode(int port, int seedPort, X509Certificate2 certificate)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.loglevel = WARNING
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{port}}, enable-ssl = true }
            akka.cluster.seed-nodes = ["akka.ssl.tcp://ActorSockets@127.0.0.1:{{seedPort}}"]
            """);
        var setup = BootstrapSetup.Create().WithConfig(config)
            .And(new DotNettySslSetup(certificate, suppressValidation: true, requireMutualAuthentication: true));
        return ActorSystem.Create("ActorSockets", setup);
    }

    private Task<RunningServer> StartNodeAsync(int port, int seedPort, params string[] more) =>
        RunningServer.StartAsync(["service=sum", "cluster.enabled=on", $"cluster.port={port}", $"cluster.seed-nodes=127.0.0.1:{seedPort}", .. more]);

    [Fact]
    public async Task A_node_without_the_cas_certificate_never_joins_and_one_with_it_does()
    {
        var ports = LoopbackPorts.Free(4);
        await using var first = await StartNodeAsync(ports[0], ports[0], _certificates.Sets(_certificates.Node("node1")));
        Assert.True(await WaitUntilAsync(() => UpSeenBy(first) == 1, JoinWait), "the first node did not form its cluster");

        // Plaintext: the TLS side never completes a handshake with it.
        await using (var plaintext = await StartNodeAsync(ports[1], ports[0], "cluster.tls.mode=off"))
        {
            Assert.False(await WaitUntilAsync(() => UpSeenBy(first) > 1 || UpSeenBy(plaintext) > 0, RefusedWait), "a plaintext node joined");
        }

        // A certificate of its own making, from a process that trusts anything (our server would refuse
        // to start with it, so the rogue is a bare Akka node, as an attacker's would be).
        using (var rogueCertificate = X509CertificateLoader.LoadPkcs12FromFile(_certificates.SelfSigned("rogue"), TestCertificates.Password))
        {
            var rogue = RogueNode(ports[2], ports[0], rogueCertificate);
            try
            {
                Assert.False(await WaitUntilAsync(() => UpSeenBy(first) > 1 || Up(rogue) > 0, RefusedWait), "a node with a self-signed certificate joined");
            }
            finally
            {
                await rogue.Terminate();
            }
        }

        await using var second = await StartNodeAsync(ports[3], ports[0], _certificates.Sets(_certificates.Node("node2")));
        Assert.True(await WaitUntilAsync(() => UpSeenBy(first) == 2 && UpSeenBy(second) == 2, JoinWait), "a node with the CA's certificate did not join");
    }

    [Fact]
    public async Task A_server_whose_certificates_are_of_another_ca_stops_with_a_config_error()
    {
        var ports = LoopbackPorts.Free(2);
        await using var first = await StartNodeAsync(ports[0], ports[0], _certificates.Sets(_certificates.Node("node1")));
        Assert.True(await WaitUntilAsync(() => UpSeenBy(first) == 1, JoinWait), "the first node did not form its cluster");

        // Our own server, configured with another cluster's CA and certificate: each side refuses the other's.
        using var otherCluster = new TestCertificates("other-ca");
        await using var stranger = await StartNodeAsync(ports[1], ports[0], otherCluster.Sets(otherCluster.Node("stranger")));
        await stranger.System.WhenTerminated.WaitAsync(JoinWait);
        Assert.Equal(1, UpSeenBy(first));
        Assert.Equal(ExitCodes.BadConfig, ServerHosting.ExitCodeAfterStop(stranger.Services));
    }
}
