using ActorSockets.Protocol.Settings;
using Akka.Configuration;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The journal and snapshot store the notes board uses, as HOCON under whatever the config file
/// says: a file that configures <c>akka.persistence</c> itself (another database that
/// Akka.Persistence.Sql supports, say) wins over these defaults.
/// </summary>
public static class NotesPersistence
{
    /// <summary>
    /// Notes between snapshots: recovery replays at most about this many events. A snapshot holds the
    /// whole board, so taking one too often costs more than the replay it saves.
    /// </summary>
    public const int SnapshotEvery = 5000;

    /// <summary>The HOCON for the configured store; for SQLite, makes the database's folder if missing.</summary>
    public static Config For(ActorSocketsSettings settings)
    {
        if (settings.NotesStore == NotesStoreKind.Memory)
        {
            return ConfigurationFactory.ParseString("""
                akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
                """);
        }

        var path = Path.GetFullPath(settings.NotesSqlitePath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException(
                $"config error: actor-sockets.notes.sqlite-path = \"{settings.NotesSqlitePath}\" is not allowed: its folder cannot be made ({e.Message})");
        }
        var connection = System.Text.Json.JsonSerializer.Serialize($"Data Source={path}");
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql { connection-string = {{connection}}, provider-name = "SQLite.MS", auto-initialize = on }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql { connection-string = {{connection}}, provider-name = "SQLite.MS", auto-initialize = on }
              }
            }
            """).WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration);
    }
}
