using ActorSockets.Configuration;
using ActorSockets.Protocol.Settings;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// Config files a careless operator writes: HOCON's idioms Akka's parser does not know (includes,
/// optional environment overrides), and files that are no config at all. Each either works as
/// HOCON says or is one line of error; none hangs, grows without bound, or starts on the defaults
/// unnoticed.
/// </summary>
public class HostileConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actor-sockets-hostile-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string hocon)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, hocon);
        return path;
    }

    private static ActorSocketsSettings Load(string file, params string[] sets) =>
        ConfigLoader.Load(new ConfigSources(file, null, null, sets)).Settings;

    private static string Error(string file) => Assert.Throws<SettingsException>(() => Load(file)).Message;

    [Fact]
    public void An_optional_environment_override_that_is_unset_leaves_the_value_before_it()
    {
        var file = Write("a.conf", "actor-sockets {\n  clients-limit = 3\n  clients-limit = ${?ACTOR_SOCKETS_TEST_UNSET_LIMIT}\n  port = 5051\n}\n");
        var settings = Load(file);
        Assert.Equal((3, 5051), (settings.ClientsLimit, settings.Port));
    }

    [Fact]
    public void An_optional_environment_override_alone_leaves_the_default()
    {
        var file = Write("a.conf", "actor-sockets { clients-limit = ${?ACTOR_SOCKETS_TEST_UNSET_LIMIT}, port = 5051 }\n");
        Assert.Equal((5, 5051), (Load(file).ClientsLimit, Load(file).Port));
    }

    [Fact]
    public void An_environment_override_that_is_set_wins()
    {
        Environment.SetEnvironmentVariable("ACTOR_SOCKETS_TEST_SET_LIMIT", "9");
        try
        {
            var file = Write("a.conf", "actor-sockets {\n  clients-limit = 3\n  clients-limit = ${?ACTOR_SOCKETS_TEST_SET_LIMIT}\n  timeout = ${ACTOR_SOCKETS_TEST_SET_LIMIT}s\n}\n");
            var settings = Load(file);
            Assert.Equal(9, settings.ClientsLimit);
            Assert.Equal(TimeSpan.FromSeconds(9), settings.Timeout.Duration);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ACTOR_SOCKETS_TEST_SET_LIMIT", null);
        }
    }

    [Fact]
    public void A_top_level_optional_override_does_not_drop_the_block_after_it()
    {
        var file = Write("a.conf", "a = ${?ACTOR_SOCKETS_TEST_UNSET}\nactor-sockets { port = 5052 }\n");
        Assert.Equal(5052, Load(file).Port);
    }

    [Fact]
    public void Includes_resolve_against_the_including_files_folder_not_the_working_directory()
    {
        Write("conf/common.conf", "actor-sockets { clients-limit = 7 }\n");
        Write("conf/more/ports.conf", "actor-sockets.port = 5053\n");
        var file = Write("conf/server.conf",
            "include \"common.conf\"\ninclude required(file(\"more/ports.conf\"))\ninclude \"absent.conf\"\nactor-sockets { service = notes }\n");
        var settings = Load(file);
        Assert.Equal((7, 5053, ServiceKind.Notes), (settings.ClientsLimit, settings.Port, settings.Service));
    }

    [Fact]
    public void A_missing_required_include_is_one_line_naming_it()
    {
        var file = Write("a.conf", "include required(\"missing.conf\")\nactor-sockets { port = 5054 }\n");
        var error = Error(file);
        Assert.Contains("missing.conf", error);
        Assert.Contains("not found", error);
        Assert.DoesNotContain("\n", error);
    }

    [Fact]
    public void A_file_that_includes_itself_is_refused_not_read_forever()
    {
        var file = Write("loop.conf", "include \"loop.conf\"\nactor-sockets { port = 5055 }\n");
        Assert.Contains("nest deeper", Error(file));
    }

    [Fact]
    public void An_endless_device_is_refused_after_a_bounded_read()
    {
        var before = GC.GetTotalAllocatedBytes(precise: false);
        Assert.Contains("is over", Error("/dev/zero"));
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: false) - before, 0, 64L << 20);
    }

    [Fact]
    public void A_folder_is_refused_as_a_config_file() => Assert.Contains("is a folder", Error(_dir));

    [Fact]
    public void A_url_include_is_refused_by_name() =>
        Assert.Contains("is not supported", Error(Write("a.conf", "include url(\"http://example.invalid/x.conf\")\nactor-sockets.port = 5056\n")));

    [Fact]
    public void In_cluster_mode_a_relative_database_path_is_the_config_files_folders_not_the_working_directorys()
    {
        var file = Write("conf/node.conf", "actor-sockets { service = notes, notes.sqlite-path = ../data/board.db, cluster.enabled = on }\n");
        Assert.Equal(Path.Combine(_dir, "data", "board.db"), Load(file).NotesSqlitePath);
        var single = Write("conf/single.conf", "actor-sockets { service = notes, notes.sqlite-path = data/board.db }\n");
        Assert.Equal("data/board.db", Load(single).NotesSqlitePath); // one server: the working directory's, as always
    }

    [Fact]
    public void A_substitution_of_a_config_path_still_works()
    {
        var file = Write("a.conf", "base-port = 5057\nactor-sockets { port = ${base-port} }\n");
        Assert.Equal(5057, Load(file).Port);
    }
}

/// <summary>A start refused after the notes database was taken lets it go, as every refusal before binding does.</summary>
public class RefusedStartTests
{
    [Fact]
    public void A_log_file_that_cannot_be_written_refuses_the_start_and_frees_the_database()
    {
        using var folder = new Support.TempFolder();
        var database = folder.File("notes.db");
        var settings = ConfigLoader.Load(new ConfigSources(null, null, 0,
            ["service=notes", $"notes.sqlite-path={database}", $"log.file={folder.File("no-such-folder/server.log")}"])).Settings;
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var error = Assert.Throws<SettingsException>(() =>
            ActorSockets.Server.Hosting.ServerHosting.AddActorSocketsServer(services, Akka.Configuration.Config.Empty, settings));
        Assert.Contains("log.file", error.Message);
        using var again = ActorSockets.Server.Notes.NotesDatabase.Open(database); // would be "in use by another server"
    }
}
