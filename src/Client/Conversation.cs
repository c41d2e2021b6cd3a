using ActorSockets.Protocol;
using ActorSockets.Protocol.Requests;

namespace ActorSockets.Client;

/// <summary>
/// The two ways to use the client. At a terminal: asks for the first and the second number and
/// prints the sum, as in the course's seed, and also takes a whole line such as <c>3 4</c> or a
/// command (HELP, STATS, PING). From a script: every input line is one request and every reply
/// line is printed as the server sent it, without tag.
/// </summary>
internal sealed class Conversation(ServerLink link, TextReader input, TextWriter output)
{
    private static readonly string[] CommandWords = ["PING", "HELP", "STATS", "QUIT", "CRASH"];
    private static readonly TimeSpan RefusalGrace = TimeSpan.FromMilliseconds(200);

    public async Task<int> RunScriptAsync(CancellationToken cancel)
    {
        while (await ReadInputAsync(prompt: null, cancel) is { } line)
        {
            if (line.Length == 0)
                continue; // the server answers nothing to an empty line; waiting for it would hang
            foreach (var reply in await link.RequestAsync(line, cancel))
                await output.WriteLineAsync(reply);
            if (IsQuit(line))
                return ExitCodes.Ok;
        }
        await link.LeaveAsync();
        return ExitCodes.Ok;
    }

    public async Task<int> RunInteractiveAsync(CancellationToken cancel)
    {
        // A full server refuses at once (ERR busy right after the connect): give it a moment to say
        // so before greeting the person as connected.
        using (var moment = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            var spoke = link.WhenServerSpeaks(moment.Token);
            if (await Task.WhenAny(spoke, Task.Delay(RefusalGrace, cancel)) == spoke && link.ReadUnsolicited() is { } refused)
                throw refused;
            await moment.CancelAsync();
        }
        await output.WriteLineAsync($"Connected to the sum service over {link.Description}.");
        await output.WriteLineAsync("Type a number and Enter, then the second; or both at once (3 4); HELP, STATS, PING; quit or Ctrl+D to leave.");
        while (true)
        {
            var first = await ReadInputAsync("first number: ", cancel);
            if (first is null || IsQuit(first))
                return await LeaveAsync(first is not null, cancel);
            if (first.Trim().Length == 0)
                continue;

            var request = first;
            if (!IsCommand(first) && !HasTwoWords(first))
            {
                var second = await ReadInputAsync("second number: ", cancel);
                if (second is null || IsQuit(second))
                    return await LeaveAsync(second is not null, cancel);
                request = $"{first.Trim()} {second.Trim()}";
            }
            await ShowAsync(request, await link.RequestAsync(request, cancel));
        }
    }

    /// <summary>
    /// Reads the next input line, unless the server speaks first (its BYE on the idle timeout, say),
    /// which ends the conversation with the matching exit code. Null at the end of input.
    /// </summary>
    private async Task<string?> ReadInputAsync(string? prompt, CancellationToken cancel)
    {
        if (prompt is not null)
        {
            await output.WriteAsync(prompt);
            await output.FlushAsync(cancel);
        }
        // The console's ReadLine blocks its thread, so it runs on its own beside the server watch.
        var typed = Task.Run(input.ReadLine, cancel);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        while (await Task.WhenAny(typed, link.WhenServerSpeaks(watch.Token)) != typed)
        {
            if (link.ReadUnsolicited() is { } failure)
            {
                if (prompt is not null)
                    await output.WriteLineAsync();
                throw failure;
            }
        }
        await watch.CancelAsync();
        return await typed;
    }

    private async Task ShowAsync(string request, IReadOnlyList<string> reply)
    {
        if (reply is [var only] && !IsCommand(request))
        {
            await output.WriteLineAsync(only.StartsWith("ERR ", StringComparison.Ordinal)
                ? $"error: {only[(only.IndexOf(':') + 1)..].Trim()}"
                : $"sum: {only}");
            return;
        }
        foreach (var line in reply)
            await output.WriteLineAsync(line);
    }

    private async Task<int> LeaveAsync(bool typedQuit, CancellationToken cancel)
    {
        if (typedQuit)
        {
            foreach (var line in await link.RequestAsync("QUIT", cancel))
                await output.WriteLineAsync(line);
        }
        else
        {
            await output.WriteLineAsync();
            await link.LeaveAsync();
        }
        return ExitCodes.Ok;
    }

    private static bool IsQuit(string line) => Request.IsWord(System.Text.Encoding.UTF8.GetBytes(line), "QUIT"u8);

    private static bool IsCommand(string line)
    {
        var word = line.Trim();
        return CommandWords.Any(c => c.Equals(word, StringComparison.OrdinalIgnoreCase));
    }

    private static bool HasTwoWords(string line) =>
        line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length >= 2;
}
