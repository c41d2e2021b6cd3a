namespace ActorSockets.Protocol.Requests;

/// <summary>The requests every service answers (PROTOCOL.md section 1, "Replies common to every service").</summary>
public enum CommonCommand
{
    None,
    Ping,
    Help,
    Stats,
    Quit,
    /// <summary>Only when <c>debug.crash-command = on</c>: makes the session throw, to watch supervision.</summary>
    Crash,
}

public static class CommonCommands
{
    /// <summary>Which common command the body is, if any. A command word may have blanks around it.</summary>
    public static CommonCommand Recognize(ReadOnlySpan<byte> body, bool crashEnabled)
    {
        if (Request.IsWord(body, "PING"u8)) return CommonCommand.Ping;
        if (Request.IsWord(body, "HELP"u8)) return CommonCommand.Help;
        if (Request.IsWord(body, "STATS"u8)) return CommonCommand.Stats;
        if (Request.IsWord(body, "QUIT"u8)) return CommonCommand.Quit;
        if (crashEnabled && Request.IsWord(body, "CRASH"u8)) return CommonCommand.Crash;
        return CommonCommand.None;
    }

    /// <summary>The HELP lines for the common requests, shared by every service's HELP reply.</summary>
    public static IReadOnlyList<string> HelpLines(bool crashEnabled)
    {
        var lines = new List<string>
        {
            "PING            answers PONG",
            "HELP            this list",
            "STATS           the server's figures: clients, admitted, refused, timeouts, crashes, requests",
            "QUIT            ends the session (BYE quit)",
            "@TAG <request>  any request may carry a tag (1-32 of A-Z a-z 0-9 _ -), repeated on every reply line",
        };
        if (crashEnabled)
            lines.Add("CRASH           makes this session crash, to watch supervision (debug.crash-command = on)");
        return lines;
    }
}
