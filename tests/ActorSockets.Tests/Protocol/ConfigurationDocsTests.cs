using ActorSockets.Protocol.Settings;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Protocol;

/// <summary>docs/CONFIGURATION.md's table says what SettingsReader's specs say: the same keys, in order, the same defaults and ranges.</summary>
public class ConfigurationDocsTests
{
    private static readonly Lazy<List<(string Key, string Default, string Allowed)>> Rows = new(() =>
        File.ReadLines(Path.Combine(RepoPaths.RootDirectory, "docs", "CONFIGURATION.md"))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => (cells[1].Trim('`'), cells[2], cells[3]))
            .ToList());

    [Fact]
    public void The_table_has_every_key_in_the_specs_order_and_no_other() =>
        Assert.Equal(SettingsReader.Specs.Select(spec => spec.Key), Rows.Value.Select(row => row.Key));

    public static TheoryData<string> Keys => new(SettingsReader.Specs.Select(spec => spec.Key));

    [Theory]
    [MemberData(nameof(Keys))]
    public void Each_row_gives_the_specs_default_and_range(string key)
    {
        var spec = SettingsReader.Specs.Single(s => s.Key == key);
        var row = Rows.Value.Single(r => r.Key == key);
        // An empty default is written `""`, as PROTOCOL.md writes it.
        Assert.Contains(spec.DefaultText == "" ? "`\"\"`" : $"`{spec.DefaultText}`", row.Default);
        switch (spec)
        {
            case NumberSpec { AllowedText: null } number:
                Assert.Contains(number.Max == int.MaxValue ? $"at least {number.Min}" : $"{number.Min} to {number.Max}", row.Allowed);
                break;
            case NumberSpec { AllowedText: { } text }:
                Assert.Contains(text.Replace("a whole number from ", "", StringComparison.Ordinal).Split(',')[0], row.Allowed);
                break;
            default:
                foreach (var option in spec.Allowed.Replace(" or ", ", ", StringComparison.Ordinal).Split(", ")
                             .Where(word => spec is ChoiceSpec<ServiceKind> or ChoiceSpec<Transport> or ChoiceSpec<NotesStoreKind>
                                 or ChoiceSpec<ChatResponderKind> or ChoiceSpec<RateLimitMode> or OnOffSpec))
                    Assert.Contains($"`{option.Split(' ')[0]}`", row.Allowed);
                break;
        }
    }
}
