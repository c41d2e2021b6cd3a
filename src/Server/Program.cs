using System.CommandLine;
using ActorSockets.Configuration;
using ActorSockets.Protocol;
using ActorSockets.ServerApp;

var options = new CommonOptions();
var root = new RootCommand("ActorSockets server: the sum service (notes and chat to come) over TCP or UDP, IPv4 or IPv6, on Akka.NET.");
options.AddTo(root);
root.SetAction((parsed, cancel) => ServerProgram.RunAsync(options.Read(parsed), cancel));

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"usage error: {error.Message}");
    Console.Error.WriteLine("try --help");
    return ExitCodes.BadUsage;
}
// The generic host handles Ctrl+C and SIGTERM (coordinated shutdown, BYE to every client);
// System.CommandLine must not race it for the signal.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
