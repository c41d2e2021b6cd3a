using ActorSockets.Protocol;
using ActorSockets.Protocol.Requests;
using ActorSockets.Protocol.Settings;

namespace ActorSockets.Client;

/// <summary>
/// The two ways to use the client. At a terminal, as in the course's seeds: for <c>sum</c> it asks
/// for the first and the second number and prints the sum (a whole line such as <c>3 4</c>, or a
/// command such as HELP, works too); for <c>notes</c> it takes <c>POST text</c> and <c>GET</c> at a
/// prompt. From a script: every input line is one request and every reply line is printed as the
/// server sent it, without tag. Over UDP, a GET's pages are fetched and printed as one reply.
/// </summary>
internal sealed class Conversation(ServerLink link, ServiceKind service, TextReader input, TextWriter output)
{
    private static readonly string[] CommandWords = ["PING", "HELP", "STATS", "QUIT", "CRASH"];
    private static readonly TimeSpan RefusalGrace = TimeSpan.FromMilliseconds(200);

    public async Task<int> RunScriptAsync(CancellationToken cancel)
    {
        while (await ReadInputAsync(prompt: null, cancel) is { } line)
        {
            if (line.Length == 0)
                continue; // the server answers nothing to an empty line; waiting for it would hang
            foreach (var reply in await NotesPager.RequestAsync(link, line, cancel))
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
        return service == ServiceKind.Notes ? await RunNotesAsync(cancel) : await RunSumAsync(cancel);
    }

    /// <summary>The sum at a prompt, as in the seed: the first number, the second, the sum.</summary>
    private async Task<int> RunSumAsync(CancellationToken cancel)
    {
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

    /// <summary>The notes board at a prompt: POST text, GET, GET after-id, and the common commands.</summary>
    private async Task<int> RunNotesAsync(CancellationToken cancel)
    {
        await output.WriteLineAsync($"Connected to the notes service over {link.Description}.");
        await output.WriteLineAsync("Type POST <text> to add a note, GET to read the board (GET <id>: the notes after it); HELP, STATS; quit or Ctrl+D to leave.");
        while (true)
        {
            var line = await ReadInputAsync("notes> ", cancel);
            if (line is null || IsQuit(line))
                return await LeaveAsync(line is not null, cancel);
            if (line.Trim().Length == 0)
                continue;
            foreach (var reply in await NotesPager.RequestAsync(link, line, cancel))
                await output.WriteLineAsync(reply);
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
