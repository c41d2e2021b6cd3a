using Akka.Actor;

namespace ActorSockets.Server.Chat;

/// <summary>Messages between chat sessions and the console operator.</summary>
public static class ChatProtocol
{
    /// <summary>To the operator: a client's decrypted message; <paramref name="Session"/> waits for the answer.</summary>
    public sealed record ClientSaid(long SessionId, string Text, IActorRef Session);

    /// <summary>To the operator: a chat ended without waiting any more (the client's Good Bye, shown).</summary>
    public sealed record ClientLeft(long SessionId, string Text);

    /// <summary>To a session: the server's answer, to be sealed and sent.</summary>
    public sealed record ServerSays(string Text);

    /// <summary>To the operator: one line typed at the server's standard input.</summary>
    public sealed record OperatorLine(string Line);

    /// <summary>To the operator: standard input is closed; no more answers can come.</summary>
    /// <param name="Failure">Why reading it failed; null when it ended.</param>
    public sealed record InputClosed(string? Failure = null);

    /// <summary>To a session waiting for the operator: the operator's input is gone, no answer will come.</summary>
    public sealed class OperatorGone
    {
        public static readonly OperatorGone Instance = new();
        private OperatorGone() { }
    }

    /// <summary>
    /// To the chat crypto scheduler: run <paramref name="Work"/> (RSA: validate a key, open or seal a
    /// message) off the sockets' threads and answer <see cref="CryptoDone"/> to <paramref name="ReplyTo"/>,
    /// or <see cref="CryptoRefused"/> for a <paramref name="Handshake"/> that cannot be done in time.
    /// Not run at all after <paramref name="NotAfterMs"/> (<see cref="Environment.TickCount64"/>): the session has given up by then.
    /// </summary>
    public sealed record CryptoJob(Func<object> Work, IActorRef ReplyTo, long Correlation, bool Handshake, long NotAfterMs);

    /// <summary>Too much crypto work waits for a new handshake to be done in time: the client hears <c>ERR busy</c>.</summary>
    public sealed record CryptoRefused(long Correlation);

    /// <summary>The job's result, or the <c>ERR crypto</c> message of the check that failed.</summary>
    public sealed record CryptoDone(object? Value, string? Error, long Correlation);
}
