using System.Security.Cryptography;
using ActorSockets.Protocol.Notes;

namespace ActorSockets.Client;

/// <summary>
/// Tags for this run's requests: a random prefix and a counter, at least
/// <see cref="NotesReply.MinBoardKeyLength"/> characters, so every tag is a board-wide idempotency
/// key (PROTOCOL.md section 4): a POST retried, over any transport, is stored once.
/// </summary>
/// <remarks>
/// Over UDP the prefix starts with the endpoint's cookie once the server has told it
/// (<see cref="StartWithCookie"/>): echoing it proves the client receives at its address, so its
/// place is safe from newcomers (docs/PROTOCOL-NOTES.md, UDP). The rest stays random, so the tags
/// of two runs from one port never meet.
/// </remarks>
internal sealed class RequestTags
{
    private const int PrefixLength = 16;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private string _prefix = RandomNumberGenerator.GetString(Alphabet, PrefixLength);
    private long _next = 1;

    public string Next() => $"{_prefix}-{_next++}";

    /// <summary>The tags from now on start with <paramref name="cookie"/>, then random characters up to the prefix's length.</summary>
    public void StartWithCookie(string cookie) =>
        _prefix = cookie + RandomNumberGenerator.GetString(Alphabet, Math.Max(4, PrefixLength - cookie.Length));
}
