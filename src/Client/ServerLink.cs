using System.Threading.Channels;
using ActorSockets.Protocol;

namespace ActorSockets.Client;

/// <summary>
/// A conversation with the server over one transport. Lines the server sends arrive on a channel
/// filled by a background receive loop, so the client notices a line it did not ask for (the idle
/// timeout's BYE, ERR busy) even while a person is still typing.
/// </summary>
internal abstract class ServerLink : IAsyncDisposable
{
    /// <summary>What the server sent, tags still on: TCP a line per item, UDP a datagram per item; completed when the server closes.</summary>
    protected Channel<string> Incoming { get; private set; } = NewChannel();

    /// <summary>A fresh channel for a new connection (TCP failing over to another server); the old one is left as it ended.</summary>
    protected void ReplaceIncoming() => Incoming = NewChannel();

    private static Channel<string> NewChannel() => Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public abstract string Description { get; }

    /// <summary>UDP: a GET reply is one page, ending with MORE when notes are left.</summary>
    public abstract bool PagesReplies { get; }

    /// <summary>Sends one request and returns its reply lines, tags removed. Throws <see cref="ClientFailure"/>.</summary>
    public Task<IReadOnlyList<string>> RequestAsync(string request, CancellationToken cancel) => RequestAsync(request, null, cancel);

    /// <summary>As above; <paramref name="wait"/> overrides how long a reply may take (infinite: a person answers).</summary>
    public abstract Task<IReadOnlyList<string>> RequestAsync(string request, TimeSpan? wait, CancellationToken cancel);

    /// <summary>The next line the server sends on its own (chat's HELLO, the BYE after the server's Good Bye).</summary>
    public async Task<string> ReadLineAsync(TimeSpan wait, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(wait);
        try
        {
            if (await Incoming.Reader.WaitToReadAsync(timeout.Token) && Incoming.Reader.TryRead(out var line))
                return line;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new ClientFailure(ExitCodes.NoReply, $"no word from {Description} within {wait.TotalSeconds:0.#}s");
        }
        throw ClientFailure.Closed();
    }

    /// <summary>Says goodbye without waiting for an answer, so the server frees the place at once.</summary>
    public abstract Task LeaveAsync();

    /// <summary>Completes when the server has sent something unasked, or closed.</summary>
    public Task WhenServerSpeaks(CancellationToken cancel) => Incoming.Reader.WaitToReadAsync(cancel).AsTask();

    /// <summary>
    /// What the lines the server sent unasked mean: the end of the session (busy, idle timeout,
    /// shutdown, closed), or null when they were only late replies to an earlier UDP try.
    /// </summary>
    public ClientFailure? ReadUnsolicited()
    {
        while (Incoming.Reader.TryRead(out var line))
        {
            var (tag, text) = ReplyCollector.SplitTag(line);
            if (tag.Length == 0 && ClientFailure.From(text) is { } failure)
                return failure;
        }
        return Incoming.Reader.Completion.IsCompleted ? ClientFailure.Closed() : null;
    }

    public abstract ValueTask DisposeAsync();
}
