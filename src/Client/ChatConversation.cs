using System.Text;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Chat;
using Org.BouncyCastle.Crypto.Parameters;

namespace ActorSockets.Client;

/// <summary>What the chat client was told on its command line.</summary>
internal sealed record ChatOptions(string KeyPath, string KnownHostsPath, string? AcceptFingerprint, int KeyBits, int MaxMessageBytes);

/// <summary>
/// The client's side of a chat (PROTOCOL.md section 5): checks the server's key against the known
/// hosts, sends its own key, then takes turns. At a terminal it prompts, shows a waiting line while
/// the server answers, and asks before trusting a server the first time; from a script, each input
/// line is one message and each answer is printed. The end of input says Good Bye.
/// </summary>
internal sealed class ChatConversation(ServerLink link, string host, ChatOptions options, TextReader input, TextWriter output, TextWriter errors, bool interactive)
{
    private static readonly TimeSpan HandshakeWait = TimeSpan.FromSeconds(10);
    private long _clientSeq = 1, _serverSeq = 1;

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var (myKeys, _) = FileStep(options.KeyPath, "key", () => ChatKeys.LoadOrCreate(options.KeyPath, options.KeyBits));
        var serverKey = await TrustServerAsync(cancel);
        var ready = await link.RequestAsync($"KEY {myKeys.PublicBase64}", cancel);
        if (ready is not [Replies.Ready])
            throw new ClientFailure(ExitCodes.ServerClosed, $"the server refused our key: {string.Join(" ", ready)}");
        if (interactive)
            await output.WriteLineAsync($"Chatting with {host} over tcp; every message is RSA-encrypted. You speak first; Good Bye (or Ctrl+D) ends it.");

        while (true)
        {
            var text = await ReadMessageAsync(cancel) ?? "Good Bye";
            if (Encoding.UTF8.GetByteCount(text) > options.MaxMessageBytes)
            {
                await errors.WriteLineAsync($"(not sent: a message is at most {options.MaxMessageBytes} bytes)");
                continue;
            }
            var line = ChatEnvelope.Seal(text, _clientSeq++, ChatDirection.ClientToServer, serverKey, myKeys.Private).ToLine();
            var reply = await WaitForServerAsync(() => link.RequestAsync(line, Timeout.InfiniteTimeSpan, cancel));
            if (reply is [var bye] && bye.StartsWith(Replies.ByeGoodbyePrefix, StringComparison.Ordinal))
                return await SayEndAsync(bye);
            if (reply is not [var answer] || !answer.StartsWith("MSG ", StringComparison.Ordinal))
                throw new ClientFailure(ExitCodes.ServerClosed, $"the server answered: {string.Join(" ", reply)}");
            string said;
            try
            {
                said = ChatEnvelope.Open(ChatEnvelope.Parse(answer), _serverSeq++, ChatDirection.ServerToClient,
                    serverKey, myKeys.Private, options.MaxMessageBytes);
            }
            catch (ChatCryptoException e)
            {
                throw new ClientFailure(ExitCodes.ServerClosed, $"the server's message failed a check: {e.Message}");
            }
            await output.WriteLineAsync(interactive ? $"server: {said}" : said);
            if (ChatEnvelope.IsGoodBye(said))
                return await SayEndAsync(await link.ReadLineAsync(HandshakeWait, cancel));
        }
    }

    /// <summary>Reads HELLO and checks the server's fingerprint against what this user trusts.</summary>
    private async Task<RsaKeyParameters> TrustServerAsync(CancellationToken cancel)
    {
        var hello = await link.ReadLineAsync(HandshakeWait, cancel);
        if (ClientFailure.From(hello) is { } refused)
            throw refused;
        var parts = hello.Split(' ');
        if (parts is not ["HELLO", Replies.ChatVersion, var keyText])
            throw new ClientFailure(ExitCodes.ServerClosed, $"not a chat server (it said: {hello})");
        RsaKeyParameters serverKey;
        try
        {
            serverKey = ChatKeys.ReadPublicKey(keyText);
        }
        catch (ChatCryptoException e)
        {
            throw new ClientFailure(ExitCodes.ServerKeyNotTrusted, $"the server's key cannot be used: {e.Message}");
        }
        var fingerprint = ChatKeys.Fingerprint(Convert.FromBase64String(keyText));
        var knownHosts = new KnownHosts(options.KnownHostsPath);
        var known = FileStep(knownHosts.Path, "known hosts", () => knownHosts.Find(host));
        if (known == fingerprint)
            return serverKey;
        if (known is not null && options.AcceptFingerprint != fingerprint)
        {
            await errors.WriteLineAsync($"""
                @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
                @    WARNING: THE CHAT SERVER'S KEY HAS CHANGED!            @
                @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
                Someone may be listening in between (a man-in-the-middle), or the server's key was replaced.
                Known for {host}: {known}
                Offered now:  {fingerprint}
                Known hosts: {knownHosts.Path}
                If you know the key was replaced, run again with --accept-fingerprint {fingerprint}
                """);
            throw new ClientFailure(ExitCodes.ServerKeyNotTrusted, $"refusing {host}: its key is not the one known for it");
        }
        if (options.AcceptFingerprint is { } accepted && accepted != fingerprint)
            throw new ClientFailure(ExitCodes.ServerKeyNotTrusted, $"refusing {host}: its key is {fingerprint}, not the accepted {accepted}");
        if (options.AcceptFingerprint is null && !await AskTrustAsync(fingerprint, cancel))
            throw new ClientFailure(ExitCodes.ServerKeyNotTrusted,
                $"{host} is not trusted yet; its key is {fingerprint} (to accept it in a script: --accept-fingerprint {fingerprint})");
        FileStep(knownHosts.Path, "known hosts", () => knownHosts.Remember(host, fingerprint));
        return serverKey;
    }

    /// <summary>A file this user's chat needs (key, known hosts): a failure to read or write it is one clear line and exit 3.</summary>
    private static T FileStep<T>(string path, string what, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClientFailure(ExitCodes.BadConfig, $"chat {what} file {path} cannot be used: {e.Message}");
        }
    }

    private static void FileStep(string path, string what, Action step) => FileStep(path, what, () =>
    {
        step();
        return true;
    });

    private async Task<bool> AskTrustAsync(string fingerprint, CancellationToken cancel)
    {
        if (!interactive)
            return false;
        await output.WriteLineAsync($"The chat server at {host} is not known yet. Its key fingerprint is {fingerprint}.");
        await output.WriteAsync("Trust it and remember it for next time? [y/N] ");
        await output.FlushAsync(cancel);
        var answer = await Task.Run(input.ReadLine, cancel);
        return answer?.Trim().ToLowerInvariant() is "y" or "yes";
    }

    private async Task<string?> ReadMessageAsync(CancellationToken cancel)
    {
        if (interactive)
        {
            await output.WriteAsync("you> ");
            await output.FlushAsync(cancel);
        }
        var typed = await Task.Run(input.ReadLine, cancel);
        if (typed is null && interactive)
            await output.WriteLineAsync();
        return typed;
    }

    /// <summary>At a terminal, a waiting line while it is the server's turn, erased when the answer comes.</summary>
    private async Task<T> WaitForServerAsync<T>(Func<Task<T>> work)
    {
        if (!interactive)
            return await work();
        await output.WriteAsync("(waiting for the server's reply…)");
        await output.FlushAsync();
        try
        {
            return await work();
        }
        finally
        {
            await output.WriteAsync("\r\u001b[K");
        }
    }

    private async Task<int> SayEndAsync(string bye)
    {
        await output.WriteLineAsync(bye);
        return ExitCodes.Ok;
    }
}
