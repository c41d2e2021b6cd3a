using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorSockets.Protocol.Settings;

namespace ActorSockets.Configuration;

/// <summary>
/// Reads a config file into the HOCON text Akka's parser is given, doing first the parts of HOCON that
/// parser does not: file includes, and substitutions from the environment. Akka 1.5's parser throws a
/// <see cref="NullReferenceException"/> on <c>include "x.conf"</c> without a callback, silently drops the
/// object after an <c>include required(…)</c>, and reads <c>${?X}</c> as an object that refers to itself
/// (walking it never ends). So:
/// <list type="bullet">
/// <item><c>include "f"</c>, <c>include file("f")</c> and <c>include required("f")</c> (or
/// <c>required(file("f"))</c>) put the file's text in place of the line, its path resolved against the
/// folder of the file that includes it; a missing optional include is nothing, a missing required one
/// an error. Other kinds (<c>url(…)</c>, <c>classpath(…)</c>) are refused.</item>
/// <item><c>${?NAME}</c>: the variable's value if it is set; if not, a field whose whole value it is
/// is dropped (the earlier value, or the default, stands), and elsewhere it is nothing.
/// <c>${NAME}</c> of a variable that is set is its value; a path with dots (<c>${akka.x}</c>) is left to Akka.</item>
/// <item>Every file is read only up to <see cref="MaxFileBytes"/> and includes nest at most
/// <see cref="MaxDepth"/> deep, so no input (<c>/dev/zero</c>, a file that includes itself) reads forever.</item>
/// </list>
/// </summary>
public static partial class HoconText
{
    public const int MaxFileBytes = 1 << 20;
    public const int MaxDepth = 8;

    /// <summary>Throws <see cref="SettingsException"/> with one readable line when the file cannot be used.</summary>
    public static string Read(string path) => Substitute(ReadWithIncludes(path, depth: 0));

    private static string ReadWithIncludes(string path, int depth)
    {
        if (depth > MaxDepth)
            throw new SettingsException($"config error: includes nest deeper than {MaxDepth} at '{path}' (does a file include itself?)");
        var text = ReadBounded(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return IncludeLine().Replace(text, include =>
        {
            if (include.Groups["kind"].Success)
                throw new SettingsException(
                    $"config error: '{path}': {include.Value.Trim()} is not supported; include a file: include \"other.conf\" or include required(\"other.conf\")");
            var included = Path.Combine(folder, include.Groups["name"].Value);
            if (File.Exists(included))
                return ReadWithIncludes(included, depth + 1);
            if (include.Groups["required"].Success)
                throw new SettingsException($"config error: '{path}' requires '{included}', which is not found");
            return "";
        });
    }

    /// <summary>A regular file's text, at most <see cref="MaxFileBytes"/> of it.</summary>
    private static string ReadBounded(string path)
    {
        if (Directory.Exists(path))
            throw new SettingsException($"config error: '{path}' is a folder, not a config file");
        if (!File.Exists(path))
            throw new SettingsException($"config error: config file '{path}' not found");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan);
            var buffer = new byte[MaxFileBytes + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0)
                read += n;
            if (read > MaxFileBytes)
                throw new SettingsException($"config error: '{path}' is over {MaxFileBytes / 1024} KiB; a config file is a few lines of HOCON");
            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"config error: cannot read '{path}': {e.Message}");
        }
    }

    private static string Substitute(string text)
    {
        // A field whose whole value is an unset optional variable is no field at all (HOCON's rule).
        text = OptionalField().Replace(text, field =>
        {
            if (Environment.GetEnvironmentVariable(field.Groups["name"].Value) is not null)
                return field.Value;
            // One comma stays between the fields around the dropped one, none after a brace.
            var before = field.Groups["before"].Value;
            return before == "{" ? before : before == "," && field.Groups["after"].Success ? "," : "";
        });
        return EnvironmentReference().Replace(text, reference =>
        {
            var name = reference.Groups["name"].Value;
            if (Environment.GetEnvironmentVariable(name) is { } value)
                return JsonSerializer.Serialize(value);
            return reference.Groups["optional"].Success ? "" : reference.Value;
        });
    }

    [GeneratedRegex("""^[ \t]*include[ \t]+(?:(?<required>required\()?(?:file\()?"(?<name>[^"]+)"\)?\)?|(?<kind>(?:required\()?(?:url|classpath)\(.*))[ \t]*,?[ \t]*$""", RegexOptions.Multiline)]
    private static partial Regex IncludeLine();

    [GeneratedRegex("""(?<before>^|[{,])[ \t]*[A-Za-z0-9_."-]+[ \t]*[=:][ \t]*\$\{\?(?<name>[A-Za-z_][A-Za-z0-9_]*)\}[ \t]*(?<after>,)?(?=[ \t]*($|[}#]|//|[A-Za-z0-9_"]))""", RegexOptions.Multiline)]
    private static partial Regex OptionalField();

    [GeneratedRegex("""\$\{(?<optional>\?)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\}""")]
    private static partial Regex EnvironmentReference();
}
