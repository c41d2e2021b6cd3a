namespace ActorSockets.CommandLine;

/// <summary>
/// Lets socket completions run on .NET's epoll thread instead of hopping to the thread pool first.
/// Akka.IO's callbacks and the benchmark's only hand the result on (a message to the connection
/// actor, a counter), so the hop costs more than it spares (BENCHMARKS.md has the measurement).
/// </summary>
public static class InlineSocketCompletions
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Call first thing in Main: .NET reads the switch once, at the first socket. An explicit setting wins.</summary>
    public static void PreferUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
            Environment.SetEnvironmentVariable(Variable, "1");
    }
}
