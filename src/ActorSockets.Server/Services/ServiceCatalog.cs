using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Notes;
using Akka.Actor;

namespace ActorSockets.Server.Services;

/// <summary>The service a config names, and the actors it needs beside the sessions.</summary>
public static class ServiceCatalog
{
    /// <summary>Throws <see cref="SettingsException"/> for a service not available in this version.</summary>
    public static void EnsureAvailable(ActorSocketsSettings settings)
    {
        if (settings.Service == ServiceKind.Chat)
            throw new SettingsException(
                "config error: actor-sockets.service = \"chat\" is not available in this version yet (available: sum, notes)");
    }

    /// <summary>Starts what the service needs (the notes store) and returns the service.</summary>
    public static IService Start(ActorSocketsSettings settings, ActorSystem system) => settings.Service switch
    {
        ServiceKind.Sum => SumService.Instance,
        ServiceKind.Notes => new NotesService(system.ActorOf(NotesStoreActor.SupervisedProps(NotesPersistence.SnapshotEvery), "notes-store")),
        _ => throw new InvalidOperationException($"service {settings.Service} is not available"),
    };
}
