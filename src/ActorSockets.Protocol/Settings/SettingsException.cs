namespace ActorSockets.Protocol.Settings;

/// <summary>
/// A setting that cannot be used. The message is the one line a person sees before the program
/// exits: it names the key, the value and what is allowed.
/// </summary>
public sealed class SettingsException(string message) : Exception(message)
{
    public static SettingsException Invalid(string key, string value, string allowed) =>
        new($"config error: {key} = \"{value}\" is not allowed: {allowed}");
}
