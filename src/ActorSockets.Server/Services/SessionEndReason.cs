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
