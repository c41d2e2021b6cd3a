using ActorSockets.Protocol.Settings;

namespace ActorSockets.Server.Services;

/// <summary>The service a config names.</summary>
public static class ServiceCatalog
{
    public static IService For(ActorSocketsSettings settings) => settings.Service switch
    {
        ServiceKind.Sum => SumService.Instance,
        // notes and chat have their own issues; until they land, saying so beats a server that half works.
        _ => throw new SettingsException(
            $"config error: actor-sockets.service = \"{ActorSocketsSettings.NameOf(settings.Service)}\" is not available in this version yet (available: sum)"),
    };
}
