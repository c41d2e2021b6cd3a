using System.Globalization;
using System.Net;

namespace ActorSockets.Tests.Support;

/// <summary>The server executable started as a person starts it, and the endpoint its start line names.</summary>
internal static class ServerProcess
{
    public static readonly TimeSpan StartWait = TimeSpan.FromSeconds(30);

    /// <summary>The server's start line, with the address and the port it listens on.</summary>
    public const string ListeningLine = @"listening on \[?([0-9a-f.:]+?)\]?:(\d+);";

    /// <summary>The endpoint a match of <see cref="ListeningLine"/> names.</summary>
    public static IPEndPoint EndPointOf(System.Text.RegularExpressions.Match listening) =>
        new(IPAddress.Parse(listening.Groups[1].Value), int.Parse(listening.Groups[2].Value, CultureInfo.InvariantCulture));

    /// <summary>
    /// Asks <c>GET</c> through <paramref name="get"/> until the answer is a board (<c>NOTES …</c>): the
    /// notes store has read its journal. On a busy machine that may take longer than the 5 s a request
    /// waits for a starting store before it hears <c>ERR storage: store unavailable, retry</c>.
    /// </summary>
    public static async Task WaitForNotesStoreAsync(Func<Task<string?>> get)
    {
        var deadline = DateTime.UtcNow + StartWait;
        string? reply = null;
        while (DateTime.UtcNow < deadline)
        {
            reply = await get();
            if (reply?.StartsWith("NOTES ", StringComparison.Ordinal) == true)
                return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"the notes store did not answer GET within {StartWait.TotalSeconds} s (last: {reply})");
    }

    /// <summary>Starts <c>Server.dll</c> with <paramref name="args"/> and waits for its "listening on" line.</summary>
    public static Task<(ProcessRunner Server, IPEndPoint EndPoint)> StartAsync(params string[] args) => StartAsync(false, args);

    /// <summary>As above, with the server's standard input ours to write (the chat operator's console).</summary>
    public static async Task<(ProcessRunner Server, IPEndPoint EndPoint)> StartAsync(bool redirectInput, params string[] args)
    {
        var server = ProcessRunner.Start(RepoPaths.ServerDll, args, redirectInput);
        try
        {
            return (server, EndPointOf(await server.WaitForOutputAsync(ListeningLine, StartWait)));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}
