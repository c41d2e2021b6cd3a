using ActorSockets.Protocol;

namespace ActorSockets.Client;

/// <summary>Why the client cannot go on: a message for the person and the exit code for scripts.</summary>
internal sealed class ClientFailure(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>
    /// The failure a line from the server means when it ends the session (busy, timeout, shutdown,
    /// crash), or null for an ordinary reply line. <c>BYE quit</c> is the answer to QUIT, not a failure.
    /// </summary>
    public static ClientFailure? From(string line)
    {
        if (line.StartsWith("ERR busy:", StringComparison.Ordinal))
            return new(ExitCodes.ServerBusy, $"server busy: {line["ERR busy: ".Length..]}; try again later");
        if (line.StartsWith("BYE timeout:", StringComparison.Ordinal))
            return new(ExitCodes.IdleTimeout, $"the server ended the session: {line["BYE timeout: ".Length..]}");
        // BYE quit answers QUIT, and BYE goodbye ends a chat as it should: neither is a failure.
        if (line.StartsWith("BYE ", StringComparison.Ordinal) && line != Replies.ByeQuit
            && !line.StartsWith(Replies.ByeGoodbyePrefix, StringComparison.Ordinal))
            return new(ExitCodes.ServerClosed, $"the server ended the session: {line}");
        return null;
    }

    public static ClientFailure Closed() => new(ExitCodes.ServerClosed, "the server closed the connection");
}
