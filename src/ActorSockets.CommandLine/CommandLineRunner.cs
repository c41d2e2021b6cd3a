using System.CommandLine;
using ActorSockets.Protocol;

namespace ActorSockets.CommandLine;

/// <summary>Runs a program's root command, with usage errors reported one way by every program.</summary>
public static class CommandLineRunner
{
    /// <summary>Parses <paramref name="args"/>; on a usage error prints it and returns <see cref="ExitCodes.BadUsage"/>, else runs the action.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args, InvocationConfiguration? invocation = null)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count == 0)
            return await parsed.InvokeAsync(invocation);
        foreach (var error in parsed.Errors)
            await Console.Error.WriteLineAsync($"usage error: {error.Message}");
        await Console.Error.WriteLineAsync("try --help");
        return ExitCodes.BadUsage;
    }
}
