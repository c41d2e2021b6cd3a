using System.Net;
using ActorSockets.Configuration;
using ActorSockets.Protocol.Settings;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Protocol;

public class SettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actor-sockets-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string hocon)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.conf");
        System.IO.File.WriteAllText(path, hocon);
        return path;
    }

    private static ActorSocketsSettings Load(string? file = null, string? address = null, int? port = null, params string[] sets) =>
        ConfigLoader.Load(new ConfigSources(file, address, port, sets)).Settings;

    private static string Error(Action load) => Assert.Throws<SettingsException>(load).Message;

    [Fact]
    public void With_nothing_given_the_defaults_are_sum_over_tcp_on_loopback_5050()
    {
        var s = Load();
        Assert.Equal((ServiceKind.Sum, Transport.Tcp, 4), (s.Service, s.Transport, s.IpVersion));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5050), s.EndPoint);
        Assert.Equal((5, 8192, 1232), (s.ClientsLimit, s.MaxLineBytes, s.UdpMaxDatagramBytes));
        Assert.Equal((TimeSpan.FromSeconds(60), "60s"), (s.Timeout.Duration!.Value, s.Timeout.Text));
        Assert.Equal((NotesStoreKind.Sqlite, "data/notes.db", 1024), (s.NotesStore, s.NotesSqlitePath, s.NotesMaxNoteBytes));
        Assert.Equal(("keys/server.pem", 2048, 4096, ChatResponderKind.Console),
            (s.ChatServerKey, s.ChatKeyBits, s.ChatMaxMessageBytes, s.ChatResponder));
        Assert.False(s.DebugCrashCommand);
    }

    [Fact]
    public void A_file_names_only_what_differs_and_nested_keys_are_read()
    {
        var s = Load(File("""
            actor-sockets {
              transport = udp
              ip-version = 6
              clients-limit = 3
              timeout = 1500ms
              udp.max-datagram-bytes = 512
              debug { crash-command = on }
            }
            """));
        Assert.Equal((Transport.Udp, 6, IPAddress.IPv6Loopback), (s.Transport, s.IpVersion, s.Address));
        Assert.Equal((3, 512, true), (s.ClientsLimit, s.UdpMaxDatagramBytes, s.DebugCrashCommand));
        Assert.Equal((TimeSpan.FromMilliseconds(1500), "1500ms"), (s.Timeout.Duration!.Value, s.Timeout.Text));
    }

    [Fact]
    public void Overrides_apply_file_then_address_then_port_then_set()
    {
        var file = File("actor-sockets { address = \"127.0.0.1\", port = 6000, clients-limit = 9 }");
        var s = Load(file, "::1", 7000, "port=8000", "clients-limit=2");
        Assert.Equal((IPAddress.IPv6Loopback, 6, 8000, 2), (s.Address, s.IpVersion, s.Port, s.ClientsLimit));
        Assert.Equal(7000, Load(file, null, 7000).Port);
    }

    [Fact]
    public void Timeout_off_disables_it() => Assert.Null(Load(sets: "timeout=off").Timeout.Duration);

    [Theory]
    [InlineData("port=80", "actor-sockets.port = \"80\"")]
    [InlineData("port=70000", "actor-sockets.port")]
    [InlineData("clients-limit=0", "actor-sockets.clients-limit = \"0\"")]
    [InlineData("timeout=30", "actor-sockets.timeout = \"30\"")]
    [InlineData("timeout=-1s", "actor-sockets.timeout")]
    [InlineData("transport=sctp", "tcp or udp")]
    [InlineData("service=echo", "sum, notes or chat")]
    [InlineData("address=localhost", "actor-sockets.address = \"localhost\"")]
    [InlineData("debug.crash-command=maybe", "on or off")]
    [InlineData("chat.key-bits=1024", "actor-sockets.chat.key-bits")]
    [InlineData("chat.key-bits=8192", "actor-sockets.chat.key-bits = \"8192\" is not allowed: a whole number from 2048 to 4096")]
    [InlineData("clients-limt=3", "actor-sockets.clients-limt is not a known key")]
    public void A_bad_value_or_unknown_key_names_the_key_the_value_and_what_is_allowed(string set, string expected) =>
        Assert.Contains(expected, Error(() => Load(sets: set)));

    [Fact]
    public void Cluster_mode_is_off_unless_enabled_and_reads_its_seed_nodes_as_a_list()
    {
        var off = Load();
        Assert.Equal((false, "127.0.0.1", 4053, 0), (off.ClusterEnabled, off.ClusterHostname, off.ClusterPort, off.ClusterSeedNodes.Count));
        var on = Load(File("""
            actor-sockets.cluster {
              enabled = on
              hostname = node1.example
              port = 4054
              seed-nodes = ["127.0.0.1:4053", "[::1]:4055"]
              tls.mode = off  # not loopback: TLS would be required (ClusterTlsTests)
            }
            """));
        Assert.Equal((true, "node1.example", 4054), (on.ClusterEnabled, on.ClusterHostname, on.ClusterPort));
        Assert.Equal(["127.0.0.1:4053", "[::1]:4055"], on.ClusterSeedNodes);
        Assert.Equal(["a:4053", "b:4054"], Load(sets: "cluster.seed-nodes=a:4053,b:4054").ClusterSeedNodes);
    }

    [Theory]
    [InlineData("cluster.seed-nodes=127.0.0.1", "\"127.0.0.1\" is not host:port")]
    [InlineData("cluster.seed-nodes=a:4053,b:99999", "\"b:99999\" is not host:port")]
    [InlineData("cluster.port=80", "actor-sockets.cluster.port = \"80\"")]
    [InlineData("cluster.hostname=a b", "actor-sockets.cluster.hostname = \"a b\"")]
    [InlineData("cluster.enabled=sometimes", "on or off")]
    public void A_bad_cluster_value_names_the_key_and_what_is_allowed(string set, string expected) =>
        Assert.Contains(expected, Error(() => Load(sets: set)));

    [Fact]
    public void The_live_view_is_off_by_default_and_refused_beside_the_chat_operators_console()
    {
        Assert.False(Load().View);
        Assert.True(Load(sets: "view=on").View);
        Assert.True(Load(sets: ["service=chat", "chat.responder=echo", "view=on"]).View);
        Assert.Contains("the chat operator types at the terminal", Error(() => Load(sets: ["service=chat", "view=on"])));
    }

    [Fact]
    public void A_cluster_node_needs_a_shared_notes_store_and_a_cluster_port_of_its_own()
    {
        Assert.Contains("sqlite in cluster mode", Error(() => Load(sets: ["cluster.enabled=on", "service=notes", "notes.store=memory"])));
        Assert.Contains("another port than the server's own port", Error(() => Load(sets: ["cluster.enabled=on", "port=4053"])));
        Assert.Equal(4053, Load(sets: ["cluster.enabled=on", "port=4053", "transport=udp"]).Port); // UDP 4053 and TCP 4053 do not clash
    }

    [Fact]
    public void The_ip_version_must_match_the_address() =>
        Assert.Contains("ip-version must be 4", Error(() => Load(sets: ["address=127.0.0.1", "ip-version=6"])));

    [Fact]
    public void Chat_needs_tcp() =>
        Assert.Contains("the chat service needs tcp", Error(() => Load(sets: ["service=chat", "transport=udp"])));

    [Fact]
    public void A_missing_file_and_a_file_without_settings_are_config_errors()
    {
        Assert.Contains("not found", Error(() => Load(Path.Combine(_dir, "nope.conf"))));
        Assert.Contains("holds no settings", Error(() => Load(File("]]]"))));
        Assert.Contains("actor-sockets must be an object", Error(() => Load(File("actor-sockets ]"))));
        Assert.Contains("actor-sockets.port = \"\"", Error(() => Load(File("actor-sockets { port = "))));
        Assert.Equal(5050, Load(File("# only a comment\n\n")).Port);
    }

    [Fact]
    public void A_set_without_equals_or_with_a_strange_key_is_refused() =>
        Assert.Contains("use --set key=value", Error(() => Load(sets: "clients-limit")));

    [Fact]
    public void Akka_sections_of_a_file_reach_the_actor_system_config()
    {
        var loaded = ConfigLoader.Load(new ConfigSources(File("akka.loglevel = DEBUG\nactor-sockets.port = 6001"), null, null, []));
        Assert.Equal("DEBUG", loaded.Hocon.GetString("akka.loglevel"));
        Assert.Equal(6001, loaded.Settings.Port);
    }

    [Fact]
    public void Every_shipped_config_file_loads_and_names_its_transport_and_address()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.RootDirectory, "hocon"), "*.conf");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var s = Load(file);
            var name = Path.GetFileNameWithoutExtension(file);
            if (name is "tcp-v4" or "tcp-v6" or "udp-v4" or "udp-v6")
                Assert.Equal(name, $"{ActorSocketsSettings.NameOf(s.Transport)}-v{s.IpVersion}");
        }
    }

    [Fact]
    public void The_three_cluster_node_files_make_one_cluster_on_one_notes_file()
    {
        var nodes = Enumerable.Range(1, 3).Select(n => Load(Path.Combine(RepoPaths.RootDirectory, "hocon", $"cluster-node{n}.conf"))).ToList();
        Assert.All(nodes, node => Assert.True(node is { ClusterEnabled: true, Service: ServiceKind.Notes, Transport: Transport.Tcp }));
        Assert.Equal([5051, 5052, 5053], nodes.Select(node => node.Port));
        Assert.Equal([4053, 4054, 4055], nodes.Select(node => node.ClusterPort));
        Assert.Single(nodes.Select(node => node.NotesSqlitePath).Distinct());
        Assert.Single(nodes.Select(node => string.Join(",", node.ClusterSeedNodes)).Distinct());
        Assert.Equal(["127.0.0.1:4053", "127.0.0.1:4054", "127.0.0.1:4055"], nodes[0].ClusterSeedNodes);
    }
}
