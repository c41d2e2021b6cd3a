namespace ActorSockets.Configuration;

/// <summary>Where settings come from, weakest first: built-in defaults, the file, --address, --port, --set.</summary>
public sealed record ConfigSources(string? ConfigFile, string? Address, int? Port, IReadOnlyList<string> Sets)
{
}
