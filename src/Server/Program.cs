using System.CommandLine;
using ActorSockets.CommandLine;
using ActorSockets.ServerApp;

SocketEngineDefaults.PreferInlineCompletions();
SocketEngineDefaults.PreferEnginePerTwoCores();

var options = new CommonOptions();
var root = new RootCommand("ActorSockets server: the sum, notes and chat services over TCP or UDP, IPv4 or IPv6, on Akka.NET.");
options.AddTo(root);
var view = new Option<bool>("--view") { Description = "draw a live view of the actors (sessions, figures, last events) instead of log lines, at a terminal (the same as --set view=on)" };
root.Options.Add(view);
root.SetAction((parsed, cancel) =>
{
    var sources = options.Read(parsed);
    // Strongest, as --set is: --view wins over a file's view = off.
    return ServerProgram.RunAsync(parsed.GetValue(view) ? sources with { Sets = [.. sources.Sets, "view=on"] } : sources, cancel);
});

var database = new Argument<string>("database") { Description = "the notes database, e.g. data/notes.db (its server may be running)" };
var destination = new Argument<string>("destination") { Description = "the file to write the copy to; must not exist" };
var backup = new Command("backup", "copies a notes database while its server runs (SQLite's online backup): every note acknowledged before the copy began is in it")
{
    database, destination,
};
backup.SetAction(parsed => BackupCommand.Run(parsed.GetValue(database)!, parsed.GetValue(destination)!));
root.Subcommands.Add(backup);

// The generic host handles Ctrl+C and SIGTERM (coordinated shutdown, BYE to every client);
// System.CommandLine must not race it for the signal.
return await CommandLineRunner.RunAsync(root, args, new InvocationConfiguration { ProcessTerminationTimeout = null });
