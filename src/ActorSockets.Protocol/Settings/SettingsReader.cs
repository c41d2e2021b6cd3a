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

    /// <summary>Every key the program knows, with what it allows (for the error line and the docs).</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["service"] = "sum, notes or chat",
        ["transport"] = "tcp or udp",
        ["ip-version"] = "4 or 6, matching the address",
        ["address"] = "an IPv4 or IPv6 address, e.g. 127.0.0.1 or ::1",
        ["port"] = "a whole number from 1024 to 65535, or 0 for any free port",
        ["clients-limit"] = "a whole number, at least 1",
        ["timeout"] = "a positive duration such as 30s, 1500ms or 2m (up to 1 day), or off",
        ["max-line-bytes"] = "a whole number from 16 to 1048576",
        ["udp.max-datagram-bytes"] = "a whole number from 64 to 65507",
        ["udp.rate-limit"] = "auto (on unless the address is loopback), on or off",
        ["udp.rate-limit-bytes"] = "a whole number from 1232 to 1073741824 (reply bytes per second to one /24 or /56 source network)",
        ["notes.store"] = "sqlite or memory",
        ["notes.sqlite-path"] = "a file path",
        ["notes.max-note-bytes"] = "a whole number from 1 to 1048576",
        ["chat.server-key"] = "a file path",
        ["chat.key-bits"] = "a whole number from 2048 to 4096",
        ["chat.max-message-bytes"] = "a whole number from 1 to 1048576",
        ["chat.responder"] = "console or echo",
        ["debug.crash-command"] = "on or off",
    };

    public static ActorSocketsSettings Read(IReadOnlyDictionary<string, string> values)
    {
        foreach (var key in values.Keys)
        {
            if (!Keys.ContainsKey(key))
                throw new SettingsException(
                    $"config error: {Root}.{key} is not a known key (known: {string.Join(", ", Keys.Keys)})");
        }

        var (address, ipVersion) = ReadAddress(values);
        var settings = new ActorSocketsSettings
        {
            Service = Choice(values, "service", ServiceKind.Sum),
            Transport = Choice(values, "transport", Transport.Tcp),
            IpVersion = ipVersion,
            Address = address,
            Port = Port(values),
            ClientsLimit = Number(values, "clients-limit", 5, 1, int.MaxValue),
            Timeout = Timeout(values),
            MaxLineBytes = Number(values, "max-line-bytes", 8192, 16, 1 << 20),
            UdpMaxDatagramBytes = Number(values, "udp.max-datagram-bytes", 1232, 64, 65507),
            UdpRateLimit = Choice(values, "udp.rate-limit", RateLimitMode.Auto),
            UdpRateLimitBytes = Number(values, "udp.rate-limit-bytes", 16384, 1232, 1 << 30),
            NotesStore = Choice(values, "notes.store", NotesStoreKind.Sqlite),
            NotesSqlitePath = Path(values, "notes.sqlite-path", "data/notes.db"),
            NotesMaxNoteBytes = Number(values, "notes.max-note-bytes", 1024, 1, 1 << 20),
            ChatServerKey = Path(values, "chat.server-key", "keys/server.pem"),
            ChatKeyBits = Number(values, "chat.key-bits", 2048, ChatKeys.MinimumBits, ChatKeys.MaximumBits),
            ChatMaxMessageBytes = Number(values, "chat.max-message-bytes", 4096, 1, 1 << 20),
            ChatResponder = Choice(values, "chat.responder", ChatResponderKind.Console),
            DebugCrashCommand = OnOff(values, "debug.crash-command", false),
        };
        if (settings.Service == ServiceKind.Chat && settings.Transport != Transport.Tcp)
            throw Invalid("transport", ActorSocketsSettings.NameOf(settings.Transport), "the chat service needs tcp");
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
        if (values.TryGetValue("ip-version", out var v))
            version = v.Trim() switch { "4" => 4, "6" => 6, _ => throw Invalid("ip-version", v) };

        if (!values.TryGetValue("address", out var text))
            return version == 6 ? (IPAddress.IPv6Loopback, 6) : (IPAddress.Loopback, 4);

        var unbracketed = text.Trim().TrimStart('[').TrimEnd(']');
        if (!IPAddress.TryParse(unbracketed, out var address))
            throw Invalid("address", text);
        var family = address.AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4;
        if (version is { } wanted && wanted != family)
            throw Invalid("ip-version", v!, $"the address {text} is IPv{family}, so ip-version must be {family} or left out");
        return (address, family);
    }

    private static int Port(IReadOnlyDictionary<string, string> values)
    {
        var port = Number(values, "port", 5050, 0, 65535);
        if (port is > 0 and < 1024)
            throw Invalid("port", values["port"]);
        return port;
    }

    private static IdleTimeout Timeout(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue("timeout", out var text))
            return new IdleTimeout(TimeSpan.FromSeconds(60), "60s");
        return IdleTimeout.TryParse(text, out var timeout) ? timeout : throw Invalid("timeout", text);
    }

    private static int Number(IReadOnlyDictionary<string, string> values, string key, int fallback, int min, int max)
    {
        if (!values.TryGetValue(key, out var text))
            return fallback;
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw Invalid(key, text);
        return n;
    }

    private static T Choice<T>(IReadOnlyDictionary<string, string> values, string key, T fallback) where T : struct, Enum
    {
        if (!values.TryGetValue(key, out var text))
            return fallback;
        foreach (var option in Enum.GetValues<T>())
        {
            if (ActorSocketsSettings.NameOf(option) == text.Trim().ToLowerInvariant())
                return option;
        }
        throw Invalid(key, text);
    }

    private static bool OnOff(IReadOnlyDictionary<string, string> values, string key, bool fallback)
    {
        if (!values.TryGetValue(key, out var text))
            return fallback;
        // HOCON reads an unquoted on/off as a boolean; either spelling arrives here.
        return text.Trim().ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw Invalid(key, text),
        };
    }

    private static string Path(IReadOnlyDictionary<string, string> values, string key, string fallback)
    {
        if (!values.TryGetValue(key, out var text))
            return fallback;
        return string.IsNullOrWhiteSpace(text) ? throw Invalid(key, text) : text;
    }

    private static SettingsException Invalid(string key, string value, string? allowed = null) =>
        SettingsException.Invalid($"{Root}.{key}", value, allowed ?? Keys[key]);
}
