using ActorSockets.Configuration;
using ActorSockets.Protocol.Settings;

namespace ActorSockets.Tests.Support;

internal static class TestSettings
{
    /// <summary>Settings as the server reads them: the defaults, with <c>--set</c> style overrides.</summary>
    public static ActorSocketsSettings Create(params string[] sets) =>
        ConfigLoader.Load(new ConfigSources(null, null, null, sets)).Settings;
}
