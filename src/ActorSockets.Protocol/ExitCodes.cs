namespace ActorSockets.Protocol;

/// <summary>
/// The exit codes of the server and the client, documented in the README. Distinct, so that a
/// script can tell what went wrong without reading the message.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    // 1, something unexpected, is .NET's own exit code for an unhandled exception: nothing of ours returns it.
    /// <summary>The command line is wrong (unknown option, missing value).</summary>
    public const int BadUsage = 2;
    /// <summary>The config file is missing or a setting is not allowed.</summary>
    public const int BadConfig = 3;
    /// <summary>Server: cannot listen on the address and port. Client: cannot connect (refused, unreachable).</summary>
    public const int CannotConnect = 4;
    /// <summary>Client: the server refused it, its clients limit reached.</summary>
    public const int ServerBusy = 5;
    /// <summary>Client: the server ended the session after the idle timeout.</summary>
    public const int IdleTimeout = 6;
    /// <summary>Client: no reply in time (over UDP, after every retry).</summary>
    public const int NoReply = 7;
    /// <summary>Client: the server closed the session on its own (shutdown, crash, lost connection, ERR crypto).</summary>
    public const int ServerClosed = 8;
    /// <summary>Client (chat): the server's key is not the one known for it, or was not trusted.</summary>
    public const int ServerKeyNotTrusted = 9;
    /// <summary>Server (cluster mode): the cluster downed this node (it lost sight of the majority, or was paused too long); start it again.</summary>
    public const int Downed = 10;
}
