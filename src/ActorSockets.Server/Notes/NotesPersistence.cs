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
    private const string SqlJournal = "akka.persistence.journal.sql";

    /// <summary>
    /// The HOCON for the configured store: in memory, or the SQLite file of <paramref name="database"/>,
    /// whose journal is ours (<see cref="SqliteJournal"/>) unless <paramref name="configured"/>, the
    /// config file, chose one: a plugin of its own, or Akka.Persistence.Sql's journal on another
    /// database (PostgreSQL, say). Akka.Persistence.Sql's journal on the SQLite file itself is refused
    /// (<see cref="SettingsException"/>): it would go on writing to a file deleted under the server.
    /// </summary>
    public static Config For(ActorSocketsSettings settings, NotesDatabase? database, Config configured)
    {
        if (settings.NotesStore == NotesStoreKind.Memory || database is null)
        {
            return ConfigurationFactory.ParseString("""
                akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
                """).WithFallback(NotesSerialization.Hocon);
        }

        var stores = StoresOn(database);
        var onOurFile = configured.WithFallback(stores).GetString("akka.persistence.journal.sql.connection-string") == database.ConnectionString;
        var chosen = configured.GetString("akka.persistence.journal.plugin", null);
        if (onOurFile && chosen == SqlJournal)
            throw new SettingsException(
                $"config error: akka.persistence.journal.plugin = \"{SqlJournal}\" on the notes SQLite file {database.Path}: " +
                "the journal on that file is the server's own (it refuses writes to a database deleted under it); " +
                "remove the key, or point akka.persistence.journal.sql at another database");
        var journal = onOurFile && chosen is null ? SqliteJournal.PluginId : SqlJournal;
        return ConfigurationFactory.ParseString($"akka.persistence.journal.plugin = \"{journal}\"").WithFallback(stores);
    }

    /// <summary>Our journal and Akka.Persistence.Sql's journal and snapshot store, all on the SQLite file of <paramref name="database"/>.</summary>
    private static Config StoresOn(NotesDatabase database)
    {
        var connection = System.Text.Json.JsonSerializer.Serialize(database.ConnectionString);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                {{SqliteJournal.PluginId["akka.persistence.journal.".Length..]}} {
                  class = "{{typeof(SqliteJournal).FullName}}, {{typeof(SqliteJournal).Assembly.GetName().Name}}"
                  # The journal actor only hands work to its connection's thread, which answers the board.
                  plugin-dispatcher = "akka.actor.default-dispatcher"
                  connection-string = {{connection}}
                }
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
