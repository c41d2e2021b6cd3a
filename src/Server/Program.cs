using System.CommandLine;
using ActorSockets.CommandLine;
using ActorSockets.Configuration;
using ActorSockets.ServerApp;

InlineSocketCompletions.PreferUnlessSet();

var options = new CommonOptions();
var root = new RootCommand("ActorSockets server: the sum, notes and chat services over TCP or UDP, IPv4 or IPv6, on Akka.NET.");
options.AddTo(root);
root.SetAction((parsed, cancel) => ServerProgram.RunAsync(options.Read(parsed), cancel));

// The generic host handles Ctrl+C and SIGTERM (coordinated shutdown, BYE to every client);
// System.CommandLine must not race it for the signal.
return await CommandLineRunner.RunAsync(root, args, new InvocationConfiguration { ProcessTerminationTimeout = null });
