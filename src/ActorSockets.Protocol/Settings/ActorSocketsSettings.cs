using System.Net;

namespace ActorSockets.Protocol.Settings;

/// <summary>
/// Every setting of PROTOCOL.md section 6, validated and typed. Built once, by
/// <see cref="SettingsReader"/>, and read by server, client and benchmark alike.
/// </summary>
public sealed record ActorSocketsSettings
{
    public required ServiceKind Service { get; init; }
    public required Transport Transport { get; init; }
    /// <summary>4 or 6; always the family of <see cref="Address"/>.</summary>
    public required int IpVersion { get; init; }
    /// <summary>Where the server listens and the client connects.</summary>
    public required IPAddress Address { get; init; }
    /// <summary>Over 1023, or 0 for any free port (server only).</summary>
    public required int Port { get; init; }
    /// <summary>Clients served at once; at least 1.</summary>
    public required int ClientsLimit { get; init; }
    public required IdleTimeout Timeout { get; init; }
    /// <summary>Longest request line, in bytes, without its terminator.</summary>
    public required int MaxLineBytes { get; init; }
    /// <summary>Largest reply datagram, in bytes.</summary>
    public required int UdpMaxDatagramBytes { get; init; }
    /// <summary>Whether UDP replies are rate limited per source network (docs/PROTOCOL-NOTES.md, reflection).</summary>
    public required RateLimitMode UdpRateLimit { get; init; }
    /// <summary>Reply bytes per second to one source network (/24 for IPv4, /56 for IPv6), with one second of burst.</summary>
    public required int UdpRateLimitBytes { get; init; }
    public required NotesStoreKind NotesStore { get; init; }
    public required string NotesSqlitePath { get; init; }
    /// <summary>Longest note, in bytes of UTF-8, after its quotes are removed.</summary>
    public required int NotesMaxNoteBytes { get; init; }
    /// <summary>The most notes a board holds; a POST beyond it is refused (<c>ERR storage</c>).</summary>
    public required int NotesMaxNotes { get; init; }
    public required string ChatServerKey { get; init; }
    public required int ChatKeyBits { get; init; }
    /// <summary>Longest chat message, in bytes of UTF-8.</summary>
    public required int ChatMaxMessageBytes { get; init; }
    public required ChatResponderKind ChatResponder { get; init; }
    /// <summary>When on, the request <c>CRASH</c> makes a session throw.</summary>
    public required bool DebugCrashCommand { get; init; }

    /// <summary>Server: draw the live view (sessions, figures, last events) when standard output is a terminal.</summary>
    public required bool View { get; init; }

    /// <summary>Server: a file every log line is appended to as well; "" for none (but see <see cref="ViewLogFile"/>).</summary>
    public required string LogFile { get; init; }

    /// <summary>Where the log goes while the live view draws and <see cref="LogFile"/> names no file: the view shows only the last lines.</summary>
    public const string ViewLogFile = "actor-sockets.log";
    /// <summary>Whether this server is one node of an Akka.Cluster (PROTOCOL.md section 7).</summary>
    public required bool ClusterEnabled { get; init; }
    /// <summary>The host name or address other nodes reach this node's cluster port at.</summary>
    public required string ClusterHostname { get; init; }
    /// <summary>This node's cluster (Akka.Remote) port: over 1023, or 0 for any free port.</summary>
    public required int ClusterPort { get; init; }
    /// <summary>The seed nodes' cluster ports, as <c>host:port</c>; empty when none is configured.</summary>
    public required IReadOnlyList<string> ClusterSeedNodes { get; init; }
    /// <summary>Mutual TLS between nodes: auto, on or off (PROTOCOL.md section 7, who may join).</summary>
    public required TlsMode ClusterTlsMode { get; init; }
    /// <summary>This node's PKCS#12 file (certificate and private key); "" for none.</summary>
    public required string ClusterTlsCertificate { get; init; }
    /// <summary>The PKCS#12 file's password, or <c>env:NAME</c>; "" for none.</summary>
    public required string ClusterTlsPassword { get; init; }
    /// <summary>The PEM file of the CA every peer's certificate must chain to; "" for none.</summary>
    public required string ClusterTlsCa { get; init; }

    /// <summary>Server: text lines, or one JSON object a line.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;
    /// <summary>Server: the least severe event logged (Akka's <c>loglevel</c>, unless the file's <c>akka</c> section sets that).</summary>
    public LogLevelSetting LogLevel { get; init; } = LogLevelSetting.Info;
    /// <summary>Server: where the HTTP endpoint of /metrics, /healthz and /readyz listens; null for none (the default).</summary>
    public IPEndPoint? MetricsPrometheus { get; init; }
    /// <summary>Server: the OpenTelemetry collector metrics are pushed to; null for none (the default).</summary>
    public Uri? MetricsOtlpEndpoint { get; init; }
    public OtlpProtocol MetricsOtlpProtocol { get; init; } = OtlpProtocol.Grpc;
    /// <summary>How often metrics are pushed to the collector.</summary>
    public TimeSpan MetricsOtlpInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether nodes must authenticate each other: mode on, or auto with a cluster hostname that is not loopback.</summary>
    public bool ClusterTlsRequired => ClusterTlsMode == TlsMode.On || (ClusterTlsMode == TlsMode.Auto && !IsLoopbackHost(ClusterHostname));

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    public IPEndPoint EndPoint => new(Address, Port);

    /// <summary>The rate limit in force: <c>auto</c> means on for any address but loopback, where no third party can be reached.</summary>
    public bool UdpRateLimited => UdpRateLimit == RateLimitMode.On || (UdpRateLimit == RateLimitMode.Auto && !IPAddress.IsLoopback(Address));

    /// <summary>The lower-case name a config file uses, e.g. <c>sum</c>, <c>udp</c>.</summary>
    public static string NameOf<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
