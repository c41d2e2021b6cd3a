using System.Globalization;

namespace ActorSockets.CommandLine;

/// <summary>
/// How the server wants .NET's socket engine, unless the environment says otherwise: .NET reads
/// both switches once, at the first socket, so call these first thing in Main. An explicit setting
/// of either variable wins.
/// </summary>
public static class SocketEngineDefaults
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    /// <summary>The variable .NET reads for its count of engine threads.</summary>
    public const string EngineCount = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>
    /// Lets socket completions run on .NET's epoll thread instead of hopping to the thread pool first.
    /// Akka.IO's callbacks and the benchmark's only hand the result on (a message to the connection
    /// actor, a counter), so the hop costs more than it spares (BENCHMARKS.md has the measurement).
    /// </summary>
    public static void PreferInlineCompletions() => SetUnlessSet(InlineCompletions, "1");

    /// <summary>
    /// One engine thread for every two cores, at least one. With completions inline a request is read,
    /// served and answered on the engine thread that saw it, and .NET then starts one engine a core:
    /// on a machine that also runs the notes journal's thread, the chat's crypto or the clients
    /// themselves, the engines take turns with those for the cores, and a request that waits for its
    /// turn waits milliseconds. On two cores one engine halved the p99 at 50 clients for the same
    /// throughput, and cost about a tenth of the throughput at 500 and a few percent of the durable
    /// writes (BENCHMARKS.md, issue 21).
    /// </summary>
    public static void PreferEnginePerTwoCores() =>
        SetUnlessSet(EngineCount, EnginesFor(Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture));

    /// <summary>How many engine threads the server asks for on <paramref name="cores"/> cores.</summary>
    public static int EnginesFor(int cores) => Math.Max(1, cores / 2);

    private static void SetUnlessSet(string variable, string value)
    {
        if (Environment.GetEnvironmentVariable(variable) is null)
            Environment.SetEnvironmentVariable(variable, value);
    }
}
