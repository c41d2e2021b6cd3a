namespace ActorSockets.Client;

/// <summary>
/// The chat servers this user trusts, by <c>host:port</c>, with the fingerprint first seen there
/// (trust on first use, as SSH's known_hosts). One line each: <c>host:port SHA256:…</c>.
/// </summary>
internal sealed class KnownHosts(string path)
{
    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".actor-sockets", "known_hosts");

    public string Path { get; } = path;

    /// <summary>The fingerprint known for <paramref name="host"/>, or null when it was never seen.</summary>
    public string? Find(string host)
    {
        if (!File.Exists(Path))
            return null;
        foreach (var line in File.ReadLines(Path))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == host)
                return parts[1];
        }
        return null;
    }

    /// <summary>Records (or replaces) the fingerprint of <paramref name="host"/>.</summary>
    public void Remember(string host, string fingerprint)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        var others = File.Exists(Path)
            ? File.ReadAllLines(Path).Where(l => !l.StartsWith(host + " ", StringComparison.Ordinal))
            : [];
        // Written aside and moved into place: a reader (another client) never sees half a file.
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        File.WriteAllLines(temporary, [.. others, $"{host} {fingerprint}"]);
        File.Move(temporary, Path, overwrite: true);
    }
}
