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

    /// <summary>The HOCON for the configured store: in memory, or the SQLite file of <paramref name="database"/>.</summary>
    public static Config For(ActorSocketsSettings settings, NotesDatabase? database)
    {
        if (settings.NotesStore == NotesStoreKind.Memory || database is null)
        {
            return ConfigurationFactory.ParseString("""
                akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
                """).WithFallback(NotesSerialization.Hocon);
        }

        var connection = System.Text.Json.JsonSerializer.Serialize(database.ConnectionString);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = {{connection}}, provider-name = "SQLite.MS", auto-initialize = on
                  # The journal writes through an Akka stream; SQLite's "async" calls complete on the
                  # calling thread, so the stream must not run on the sockets' dispatcher.
                  materializer-dispatcher = {{Dispatchers.Background}}
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql { connection-string = {{connection}}, provider-name = "SQLite.MS", auto-initialize = on }
              }
            }
            """).WithFallback(ConfigurationFactory.ParseString(Dispatchers.Hocon))
            .WithFallback(NotesSerialization.Hocon).WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration);
    }
}
