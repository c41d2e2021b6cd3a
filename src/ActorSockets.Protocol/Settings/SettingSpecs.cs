using System.Globalization;

namespace ActorSockets.Protocol.Settings;

/// <summary>
/// One setting under <c>actor-sockets</c>: its key, its default as a config file would write it,
/// and what it allows, written once. <see cref="SettingsReader"/> reads with these, the error line
/// quotes <see cref="Allowed"/>, and a test holds docs/CONFIGURATION.md to the same table.
/// </summary>
public abstract record SettingSpec(string Key, string DefaultText, string Allowed)
{
    /// <summary>The error for <paramref name="value"/>: the key, the value, and what is allowed (this spec's words unless told).</summary>
    public SettingsException Refuse(string value, string? allowed = null) =>
        SettingsException.Invalid($"{SettingsReader.Root}.{Key}", value, allowed ?? Allowed);
}

/// <summary>A whole number from <paramref name="Min"/> to <paramref name="Max"/> (<paramref name="AllowedText"/> says so in other words where it must).</summary>
public sealed record NumberSpec(string Key, int Default, int Min, int Max, string? AllowedText = null)
    : SettingSpec(Key, Default.ToString(CultureInfo.InvariantCulture),
        AllowedText ?? (Max == int.MaxValue ? $"a whole number, at least {Min}" : $"a whole number from {Min} to {Max}"))
{
    public int Read(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue(Key, out var text))
            return Default;
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < Min || n > Max)
            throw Refuse(text);
        return n;
    }
}

/// <summary>One of an enum's values, by its lower-case name.</summary>
public sealed record ChoiceSpec<T>(string Key, T Default, string? Note = null)
    : SettingSpec(Key, ActorSocketsSettings.NameOf(Default), Names() + (Note is null ? "" : $" ({Note})"))
    where T : struct, Enum
{
    public T Read(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue(Key, out var text))
            return Default;
        foreach (var option in Enum.GetValues<T>())
        {
            if (ActorSocketsSettings.NameOf(option) == text.Trim().ToLowerInvariant())
                return option;
        }
        throw Refuse(text);
    }

    private static string Names()
    {
        var names = Enum.GetValues<T>().Select(ActorSocketsSettings.NameOf).ToList();
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }
}

/// <summary><c>on</c> or <c>off</c> (HOCON's booleans, and yes/no, too).</summary>
public sealed record OnOffSpec(string Key, bool Default) : SettingSpec(Key, Default ? "on" : "off", "on or off")
{
    public bool Read(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue(Key, out var text))
            return Default;
        // HOCON reads an unquoted on/off as a boolean; either spelling arrives here.
        return text.Trim().ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw Refuse(text),
        };
    }
}

/// <summary>A file path, not blank.</summary>
public sealed record PathSpec(string Key, string Default) : SettingSpec(Key, Default, "a file path")
{
    public string Read(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue(Key, out var text))
            return Default;
        return string.IsNullOrWhiteSpace(text) ? throw Refuse(text) : text;
    }
}

/// <summary>A setting read by code of its own (the address, the IP version, the timeout), described here.</summary>
public sealed record CustomSpec(string Key, string DefaultText, string Allowed) : SettingSpec(Key, DefaultText, Allowed);
