using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorSockets.Protocol.Chat;

namespace ActorSockets.Protocol.Settings;

/// <summary>
/// Turns the raw values under <c>actor-sockets</c> (keys relative to it, nested keys joined by dots,
/// every value as its text) into <see cref="ActorSocketsSettings"/>, applying the defaults of
/// PROTOCOL.md section 6. The first unusable value throws a <see cref="SettingsException"/> naming
/// the key, the value and what is allowed; so does an unknown key, which is most often a typo.
/// </summary>
public static class SettingsReader
{
    public const string Root = "actor-sockets";

    private static readonly ChoiceSpec<ServiceKind> Service = new("service", ServiceKind.Sum);
    private static readonly ChoiceSpec<Transport> TransportSpec = new("transport", Transport.Tcp);
    private static readonly CustomSpec IpVersion = new("ip-version", "4", "4 or 6, matching the address");
    private static readonly CustomSpec Address = new("address", "127.0.0.1", "an IPv4 or IPv6 address, e.g. 127.0.0.1 or ::1");
    private static readonly NumberSpec PortSpec = new("port", 5050, 0, 65535, "a whole number from 1024 to 65535, or 0 for any free port");
    private static readonly NumberSpec ClientsLimit = new("clients-limit", 5, 1, int.MaxValue);
    private static readonly CustomSpec TimeoutSpec = new("timeout", "60s", "a positive duration such as 30s, 1500ms or 2m (up to 1 day), or off");
    private static readonly NumberSpec MaxLineBytes = new("max-line-bytes", 8192, 16, 1 << 20);
    private static readonly NumberSpec UdpMaxDatagramBytes = new("udp.max-datagram-bytes", 1232, 64, 65507);
    private static readonly ChoiceSpec<RateLimitMode> UdpRateLimit = new("udp.rate-limit", RateLimitMode.Auto, "auto: on unless the address is loopback");
    private static readonly NumberSpec UdpRateLimitBytes = new("udp.rate-limit-bytes", 16384, 1232, 1 << 30);
    private static readonly ChoiceSpec<NotesStoreKind> NotesStore = new("notes.store", NotesStoreKind.Sqlite);
    private static readonly PathSpec NotesSqlitePath = new("notes.sqlite-path", "data/notes.db");
    private static readonly NumberSpec NotesMaxNoteBytes = new("notes.max-note-bytes", 1024, 1, 1 << 20);
    private static readonly NumberSpec NotesMaxNotes = new("notes.max-notes", 1_000_000, 1, int.MaxValue);
    private static readonly PathSpec ChatServerKey = new("chat.server-key", "keys/server.pem");
    private static readonly NumberSpec ChatKeyBits = new("chat.key-bits", 2048, ChatKeys.MinimumBits, ChatKeys.MaximumBits);
    private static readonly NumberSpec ChatMaxMessageBytes = new("chat.max-message-bytes", 4096, 1, 1 << 20);
    private static readonly ChoiceSpec<ChatResponderKind> ChatResponder = new("chat.responder", ChatResponderKind.Console);
    private static readonly OnOffSpec DebugCrashCommand = new("debug.crash-command", false);
    private static readonly OnOffSpec View = new("view", false);
    private static readonly PathSpec LogFile = new("log.file", "");
    private static readonly OnOffSpec ClusterEnabled = new("cluster.enabled", false);
    private static readonly CustomSpec ClusterHostname = new("cluster.hostname", "127.0.0.1", "a host name or IP address other nodes can reach");
    private static readonly NumberSpec ClusterPortSpec = new("cluster.port", 4053, 0, 65535, "a whole number from 1024 to 65535, or 0 for any free port");
    private static readonly CustomSpec ClusterSeedNodes = new("cluster.seed-nodes", "[]", "a list of \"host:port\" cluster ports, e.g. [\"127.0.0.1:4053\"]");
    private static readonly ChoiceSpec<TlsMode> ClusterTlsMode = new("cluster.tls.mode", TlsMode.Auto, "auto: on unless cluster.hostname is a loopback address");
    private static readonly PathSpec ClusterTlsCertificate = new("cluster.tls.certificate", "");
    private static readonly CustomSpec ClusterTlsPassword = new("cluster.tls.password", "", "the certificate's password, or env:NAME to read it from the environment variable NAME");
    private static readonly PathSpec ClusterTlsCa = new("cluster.tls.ca", "");

    /// <summary>Every setting the program knows, in the order of PROTOCOL.md section 6: each written once.</summary>
    public static readonly IReadOnlyList<SettingSpec> Specs =
    [
        Service, TransportSpec, IpVersion, Address, PortSpec, ClientsLimit, TimeoutSpec, MaxLineBytes, UdpMaxDatagramBytes,
        UdpRateLimit, UdpRateLimitBytes, NotesStore, NotesSqlitePath, NotesMaxNoteBytes, NotesMaxNotes, ChatServerKey, ChatKeyBits,
        ChatMaxMessageBytes, ChatResponder, DebugCrashCommand, View, LogFile, ClusterEnabled, ClusterHostname, ClusterPortSpec, ClusterSeedNodes,
        ClusterTlsMode, ClusterTlsCertificate, ClusterTlsPassword, ClusterTlsCa, .. OperationsSettingsReader.Specs,
    ];

    /// <summary>The one key that takes a list (HOCON's <c>[…]</c>); the loader hands its items over joined by commas.</summary>
    public static string ListKey => ClusterSeedNodes.Key;

    /// <summary>Every key the program knows, with what it allows (for the error line and the docs).</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = Specs.ToDictionary(spec => spec.Key, spec => spec.Allowed);

    public static ActorSocketsSettings Read(IReadOnlyDictionary<string, string> values)
    {
        foreach (var key in values.Keys)
        {
            if (!Keys.ContainsKey(key))
                throw new SettingsException(
                    $"config error: {Root}.{key} is not a known key (known: {string.Join(", ", Keys.Keys)})");
        }

        var (address, ipVersion) = ReadAddress(values);
        var settings = OperationsSettingsReader.Read(new ActorSocketsSettings
        {
            Service = Service.Read(values),
            Transport = TransportSpec.Read(values),
            IpVersion = ipVersion,
            Address = address,
            Port = Port(values, PortSpec),
            ClientsLimit = ClientsLimit.Read(values),
            Timeout = Timeout(values),
            MaxLineBytes = MaxLineBytes.Read(values),
            UdpMaxDatagramBytes = UdpMaxDatagramBytes.Read(values),
            UdpRateLimit = UdpRateLimit.Read(values),
            UdpRateLimitBytes = UdpRateLimitBytes.Read(values),
            NotesStore = NotesStore.Read(values),
            NotesSqlitePath = NotesSqlitePath.Read(values),
            NotesMaxNoteBytes = NotesMaxNoteBytes.Read(values),
            NotesMaxNotes = NotesMaxNotes.Read(values),
            ChatServerKey = ChatServerKey.Read(values),
            ChatKeyBits = ChatKeyBits.Read(values),
            ChatMaxMessageBytes = ChatMaxMessageBytes.Read(values),
            ChatResponder = ChatResponder.Read(values),
            DebugCrashCommand = DebugCrashCommand.Read(values),
            View = View.Read(values),
            LogFile = LogFile.Read(values),
            ClusterEnabled = ClusterEnabled.Read(values),
            ClusterHostname = Hostname(values),
            ClusterPort = Port(values, ClusterPortSpec),
            ClusterSeedNodes = SeedNodes(values),
            ClusterTlsMode = ClusterTlsMode.Read(values),
            ClusterTlsCertificate = ClusterTlsCertificate.Read(values),
            ClusterTlsPassword = values.GetValueOrDefault(ClusterTlsPassword.Key, ""),
            ClusterTlsCa = ClusterTlsCa.Read(values),
        }, values);
        if (settings.Service == ServiceKind.Chat && settings.Transport != Transport.Tcp)
            throw TransportSpec.Refuse(ActorSocketsSettings.NameOf(settings.Transport), "the chat service needs tcp");
        if (settings is { View: true, Service: ServiceKind.Chat, ChatResponder: ChatResponderKind.Console })
            throw View.Refuse("on", "off with chat.responder = console: the chat operator types at the terminal the view would draw on (use chat.responder = echo to watch a chat server)");
        if (settings is { ClusterEnabled: true, Service: ServiceKind.Notes, NotesStore: NotesStoreKind.Memory })
            throw NotesStore.Refuse("memory", "sqlite in cluster mode: the nodes share one board, so its journal must outlive any node");
        if (settings is { ClusterEnabled: true, ClusterTlsRequired: true } && (settings.ClusterTlsCertificate == "" || settings.ClusterTlsCa == ""))
            throw new SettingsException(
                $"config error: {Root}.cluster.tls: cluster.hostname {settings.ClusterHostname} " +
                (settings.ClusterTlsMode == TlsMode.On ? "with cluster.tls.mode = on" : "is not a loopback address, so nodes must authenticate each other") +
                ": set cluster.tls.certificate (this node's PKCS#12 file) and cluster.tls.ca (the CA's PEM file; scripts/cluster-certs.sh makes both), or cluster.tls.mode = off");
        if (settings is { ClusterEnabled: true, Transport: Transport.Tcp } && settings.Port != 0 && settings.Port == settings.ClusterPort)
            throw ClusterPortSpec.Refuse(settings.ClusterPort.ToString(CultureInfo.InvariantCulture), "another port than the server's own port");
        if (settings is { Transport: Transport.Udp, UdpRateLimit: not RateLimitMode.Off } && settings.UdpMaxDatagramBytes > settings.UdpRateLimitBytes)
            throw UdpRateLimitBytes.Refuse(settings.UdpRateLimitBytes.ToString(CultureInfo.InvariantCulture),
                $"at least udp.max-datagram-bytes ({settings.UdpMaxDatagramBytes}): a reply larger than a second's budget would never be sent");
        var worstPage = Notes.NotesReply.WorstSingleNotePage(settings.NotesMaxNoteBytes);
        if (settings.Service == ServiceKind.Notes && settings.Transport == Transport.Udp && worstPage > settings.UdpMaxDatagramBytes)
            throw new SettingsException(
                $"config error: {Root}.notes.max-note-bytes = \"{settings.NotesMaxNoteBytes}\" is not allowed: over udp a page holding one " +
                $"such note needs up to {worstPage} bytes, more than udp.max-datagram-bytes = {settings.UdpMaxDatagramBytes}; " +
                $"lower the first or raise the second");
        return settings;
    }

    private static (IPAddress Address, int IpVersion) ReadAddress(IReadOnlyDictionary<string, string> values)
    {
        int? version = null;
        if (values.TryGetValue(IpVersion.Key, out var v))
            version = v.Trim() switch { "4" => 4, "6" => 6, _ => throw IpVersion.Refuse(v) };

        if (!values.TryGetValue(Address.Key, out var text))
            return version == 6 ? (IPAddress.IPv6Loopback, 6) : (IPAddress.Loopback, 4);

        var unbracketed = text.Trim().TrimStart('[').TrimEnd(']');
        if (!IPAddress.TryParse(unbracketed, out var address))
            throw Address.Refuse(text);
        var family = address.AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4;
        if (version is { } wanted && wanted != family)
            throw IpVersion.Refuse(v!, $"the address {text} is IPv{family}, so ip-version must be {family} or left out");
        return (address, family);
    }

    private static int Port(IReadOnlyDictionary<string, string> values, NumberSpec spec)
    {
        var port = spec.Read(values);
        if (port is > 0 and < 1024)
            throw spec.Refuse(values[spec.Key]);
        return port;
    }

    private static string Hostname(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue(ClusterHostname.Key, out var text))
            return ClusterHostname.DefaultText;
        var host = text.Trim();
        return host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || BreaksAkkaAddress(c)) ? throw ClusterHostname.Refuse(text) : host;
    }

    /// <summary>A character that cannot stand in the host of an Akka address (<c>akka.tcp://System@host:port</c>).</summary>
    private static bool BreaksAkkaAddress(char c) => c is '/' or '@' or '"';

    /// <summary>
    /// A HOCON list arrives joined by commas (<see cref="ClusterSeedNodes"/> is the one list key); so
    /// does <c>--set cluster.seed-nodes=a:4053,b:4053</c>. Each entry is <c>host:port</c>, a bracketed
    /// IPv6 address allowed (<c>[::1]:4053</c>).
    /// </summary>
    private static IReadOnlyList<string> SeedNodes(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue(ClusterSeedNodes.Key, out var text))
            return [];
        var entries = text.Trim().TrimStart('[').TrimEnd(']')
            .Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Trim('"'))
            .ToList();
        foreach (var entry in entries)
        {
            var colon = entry.LastIndexOf(':');
            if (colon <= 0 || entry[..colon].Any(BreaksAkkaAddress)
                || !int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                throw ClusterSeedNodes.Refuse(text, $"\"{entry}\" is not host:port; {ClusterSeedNodes.Allowed}");
        }
        return entries;
    }

    private static IdleTimeout Timeout(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue(TimeoutSpec.Key, out var text))
            text = TimeoutSpec.DefaultText;
        return IdleTimeout.TryParse(text, out var timeout) ? timeout : throw TimeoutSpec.Refuse(text);
    }
}
