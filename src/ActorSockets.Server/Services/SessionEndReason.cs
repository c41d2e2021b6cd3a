namespace ActorSockets.Server.Services;

/// <summary>Why a session ended; the limiter counts and logs by it.</summary>
public enum SessionEndReason
{
    /// <summary>The client sent <c>QUIT</c>.</summary>
    Quit,
    /// <summary>The client was idle for the configured timeout.</summary>
    Timeout,
    /// <summary>The client closed its side (TCP) and got every reply.</summary>
    PeerClosed,
    /// <summary>The connection was reset or failed under the session.</summary>
    ConnectionLost,
    /// <summary>A TCP line over <c>max-line-bytes</c>: framing is lost, so the connection closes.</summary>
    LineTooLong,
    /// <summary>Either side of a chat said Good Bye.</summary>
    Goodbye,
    /// <summary>A chat check failed (ERR crypto): the connection closes.</summary>
    CryptoFailed,
    /// <summary>The server is stopping.</summary>
    Shutdown,
    /// <summary>A long reply was under way when the service stopped answering: framing is lost, so the connection closes.</summary>
    ServiceFailed,
    /// <summary>UDP: a session that had sent one datagram and nothing since gave its place to a newcomer.</summary>
    Evicted,
    /// <summary>Chat: the operator's input (the server's standard input) is gone; no answer can come.</summary>
    OperatorGone,
    /// <summary>An exception inside the session; its supervisor stopped it.</summary>
    Crashed,
}

/// <summary>How the limiter's log line says why a session ended.</summary>
public static class SessionEndReasons
{
    /// <param name="timeout">The idle timeout as configured, for <see cref="SessionEndReason.Timeout"/>.</param>
    public static string Describe(this SessionEndReason reason, string timeout) => reason switch
    {
        SessionEndReason.Timeout => $"timed out after {timeout} idle",
        SessionEndReason.Crashed => "crashed and was stopped",
        SessionEndReason.Quit => "closed: client quit",
        SessionEndReason.PeerClosed => "closed: client closed its side",
        SessionEndReason.ConnectionLost => "closed: connection lost",
        SessionEndReason.LineTooLong => "closed: line too long",
        SessionEndReason.Shutdown => "closed: server stopping",
        SessionEndReason.ServiceFailed => "closed: the service stopped answering mid-reply",
        SessionEndReason.Goodbye => "closed: Good Bye",
        SessionEndReason.CryptoFailed => "closed: a chat check failed (ERR crypto)",
        SessionEndReason.Evicted => "evicted: its place went to a newcomer (one datagram and nothing since)",
        SessionEndReason.OperatorGone => "closed: the chat operator's input is gone",
        _ => reason.ToString(),
    };
}
