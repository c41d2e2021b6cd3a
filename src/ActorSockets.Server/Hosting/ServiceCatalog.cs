using ActorSockets.Protocol.Chat;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Chat;
using ActorSockets.Server.Notes;
using Akka.Actor;
using Akka.Event;
using ActorSockets.Server.Services;
using ActorSockets.Server.Sum;

namespace ActorSockets.Server.Hosting;

/// <summary>What a service needs before the actor system starts: the chat server's key, the notes database it owns.</summary>
public sealed record PreparedService(ActorSocketsSettings Settings, ChatKeyPair? ChatKeys, bool ChatKeyCreated, NotesDatabase? NotesDatabase = null,
    JournalBoard? Board = null);

/// <summary>Where the chat operator reads and writes: the server's console, or a test's.</summary>
public sealed record ServerConsole(TextReader Input, TextWriter Output)
{
    public static readonly ServerConsole Standard = new(Console.In, Console.Out);
}

/// <summary>The service a config names, and the actors it needs beside the sessions.</summary>
public static class ServiceCatalog
{
    /// <summary>
    /// Loads what the service needs before anything binds; throws <see cref="SettingsException"/>
    /// for a chat key file that is not a usable key, or a notes database that cannot be used or is
    /// another server's (so the program exits as for any bad setting).
    /// </summary>
    public static PreparedService Prepare(ActorSocketsSettings settings)
    {
        if (settings.Service == ServiceKind.Notes)
        {
            // In cluster mode the database's lock goes with the store, to whichever node runs it.
            var database = settings.NotesStore != NotesStoreKind.Sqlite ? null
                : settings.ClusterEnabled ? NotesDatabase.OpenShared(settings.NotesSqlitePath)
                : NotesDatabase.Open(settings.NotesSqlitePath);
            return new PreparedService(settings, null, false, database);
        }
        if (settings.Service != ServiceKind.Chat)
            return new PreparedService(settings, null, false);
        try
        {
            var (keys, created) = ChatKeys.LoadOrCreate(settings.ChatServerKey, settings.ChatKeyBits);
            return new PreparedService(settings, keys, created);
        }
        catch (Exception e) when (e is ChatCryptoException or IOException or UnauthorizedAccessException)
        {
            throw new SettingsException(
                $"config error: actor-sockets.chat.server-key = \"{settings.ChatServerKey}\" is not allowed: {e.Message} " +
                "(a PEM RSA private key of 2048 bits or more, e.g. from openssl genpkey -algorithm RSA; it is made if missing)");
        }
    }

    /// <summary>Starts what the service needs (the notes store, the chat operator) and returns the service.</summary>
    public static IService Start(PreparedService prepared, ActorSystem system, ServerConsole console)
    {
        var settings = prepared.Settings;
        switch (settings.Service)
        {
            case ServiceKind.Sum:
                return SumService.Instance;
            case ServiceKind.Notes when settings.ClusterEnabled:
                return new NotesService(Cluster.ClusterSingletons.StartNotesStore(system, prepared.NotesDatabase, prepared.Board, settings.NotesMaxNotes), NodeClock.Of(system));
            case ServiceKind.Notes:
                return new NotesService(system.ActorOf(NotesStoreSupervisor.Props(ServerTuning.SnapshotEvery, prepared.NotesDatabase, maxNotes: settings.NotesMaxNotes), "notes-store"), NodeClock.Of(system));
            case ServiceKind.Chat:
                var keys = prepared.ChatKeys!;
                system.Log.Info("chat server key {0} ({1} bits, {2}{3}); responder {4}", keys.Fingerprint, keys.Bits,
                    settings.ChatServerKey, prepared.ChatKeyCreated ? ", made now" : "", ActorSocketsSettings.NameOf(settings.ChatResponder));
                // A handshake waits at most half the service's bound, so that it is answered well before the session gives up.
                var crypto = system.ActorOf(ChatCryptoScheduler.Props(Dispatchers.ChatCryptoWorkers, ServerTuning.ServiceTimeout / 2), "chat-crypto");
                if (settings.ChatResponder == ChatResponderKind.Echo)
                    return new ChatService(keys, null, crypto);
                var chatOperator = system.ActorOf(ChatOperatorActor.Props(console.Output).WithDispatcher(Dispatchers.Background), "chat-operator");
                var operatorGone = new CancellationTokenSource();
                ChatOperatorInput.Start(console.Input, chatOperator, operatorGone, CancellationToken.None);
                return new ChatService(keys, chatOperator, crypto, operatorGone.Token);
            default:
                throw new InvalidOperationException($"unknown service {settings.Service}");
        }
    }
}
