using System.Text.Json;
using System.Text.RegularExpressions;
using ActorSockets.Protocol.Settings;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorSockets.Configuration;

/// <summary>Loads and validates the settings of PROTOCOL.md section 6 from a HOCON file and overrides.</summary>
public static partial class ConfigLoader
{
    /// <summary>No known key is more than this many dots deep (<c>cluster.tls.mode</c> has two).</summary>
    private const int MaxKeyDepth = 4;

    /// <summary>Throws <see cref="SettingsException"/> with one readable line when anything is wrong.</summary>
    public static LoadedConfig Load(ConfigSources sources)
    {
        var config = ReadFile(sources.ConfigFile);
        if (sources.Address is { } address)
            config = Override("address", address).WithFallback(config);
        if (sources.Port is { } port)
            config = Override("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)).WithFallback(config);
        foreach (var set in sources.Sets)
        {
            var (key, value) = SplitSet(set);
            config = Override(key, value).WithFallback(config);
        }
        return new LoadedConfig(config, ResolveClusterPaths(SettingsReader.Read(Flatten(config)), sources.ConfigFile));
    }

    /// <summary>
    /// Cluster mode: a relative notes.sqlite-path is the config file's folder's, not the working
    /// directory's. Nodes must share one board, and nodes started from two directories with one config
    /// once opened two files and served two boards.
    /// </summary>
    private static ActorSocketsSettings ResolveClusterPaths(ActorSocketsSettings settings, string? configFile)
    {
        if (!settings.ClusterEnabled || configFile is null || Path.IsPathRooted(settings.NotesSqlitePath))
            return settings;
        var folder = Path.GetDirectoryName(Path.GetFullPath(configFile)) ?? ".";
        return settings with { NotesSqlitePath = Path.GetFullPath(Path.Combine(folder, settings.NotesSqlitePath)) };
    }

    /// <summary>The values under <c>actor-sockets</c>, nested keys joined by dots, each as its text.</summary>
    public static IReadOnlyDictionary<string, string> Flatten(Config config)
    {
        var values = new Dictionary<string, string>();
        if (!config.HasPath(SettingsReader.Root))
            return values;
        var root = config.GetValue(SettingsReader.Root);
        if (!root.IsObject())
            throw new SettingsException($"config error: {SettingsReader.Root} must be an object {{ … }}");
        Collect(root.GetObject(), "", values);
        return values;
    }

    private static void Collect(HoconObject node, string prefix, Dictionary<string, string> values)
    {
        foreach (var (name, value) in node.Items)
        {
            var key = prefix + name;
            if (value.Values.Any(part => part is HoconSubstitution { Path: null or "" }))
                // Akka resolves the substitutions it understands; what is left would read as an object
                // that holds itself.
                throw new SettingsException($"config error: {SettingsReader.Root}.{key} has a substitution that cannot be resolved");
            if (value.IsObject() && prefix.Count(c => c == '.') >= MaxKeyDepth)
                throw new SettingsException($"config error: {SettingsReader.Root}.{key} nests deeper than any known key");
            if (value.IsObject())
                Collect(value.GetObject(), key + ".", values);
            else if (value.IsArray() && key == SettingsReader.ListKey)
                values[key] = string.Join(",", value.GetArray().Select(item => item.GetString()));
            else if (value.IsArray())
                throw new SettingsException($"config error: {SettingsReader.Root}.{key} is a list; it takes one value");
            else
                values[key] = value.GetString() ?? "";
        }
    }

    private static Config ReadFile(string? path)
    {
        if (path is null)
            return Config.Empty;
        var text = HoconText.Read(path);
        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is ConfigurationException or FormatException or NullReferenceException)
        {
            // (Akka's parser throws NullReferenceException on HOCON it does not support.)
            throw new SettingsException($"config error: cannot read '{path}': {e.Message.Split('\n')[0].Trim()}");
        }
        // Akka's parser is lenient: a mangled file can parse to nothing and the defaults would serve unnoticed.
        if (config.Root.GetObject().Items.Count == 0 && HasContent(text))
            throw new SettingsException($"config error: '{path}' holds no settings; is it HOCON, e.g. actor-sockets {{ port = 5050 }}?");
        return config;
    }

    private static bool HasContent(string hocon) =>
        hocon.Split('\n').Select(line => line.Trim())
            .Any(line => line.Length > 0 && !line.StartsWith('#') && !line.StartsWith("//", StringComparison.Ordinal));

    private static (string Key, string Value) SplitSet(string set)
    {
        var eq = set.IndexOf('=');
        var key = eq < 0 ? "" : set[..eq].Trim();
        if (eq < 0 || !SetKey().IsMatch(key))
            throw new SettingsException(
                $"config error: --set \"{set}\" is not allowed: use --set key=value with a key under {SettingsReader.Root}, e.g. --set clients-limit=3");
        return (key, set[(eq + 1)..].Trim());
    }

    /// <summary>One value as a string: quoting keeps any text intact, and the reader parses what it needs.</summary>
    private static Config Override(string key, string value) =>
        ConfigurationFactory.ParseString($"{SettingsReader.Root}.{key} = {JsonSerializer.Serialize(value)}");

    [GeneratedRegex("^[a-z0-9-]+(\\.[a-z0-9-]+)*$")]
    private static partial Regex SetKey();
}
