using System.Security.Cryptography;
using ActorSockets.Protocol.Notes;

namespace ActorSockets.Client;

/// <summary>
/// Tags for this run's requests: a random prefix and a counter, at least
/// <see cref="NotesReply.MinBoardKeyLength"/> characters, so every tag is a board-wide idempotency
/// key (PROTOCOL.md section 4): a POST retried, over any transport, is stored once.
/// </summary>
internal sealed class RequestTags
{
    private const int PrefixLength = 16;
    private readonly string _prefix = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", PrefixLength);
    private long _next = 1;

    public string Next() => $"{_prefix}-{_next++}";
}
