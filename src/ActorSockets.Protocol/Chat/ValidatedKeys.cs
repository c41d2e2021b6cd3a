using System.Collections.Concurrent;
using Org.BouncyCastle.Crypto.Parameters;

namespace ActorSockets.Protocol.Chat;

/// <summary>
/// Client keys already validated, by their base64 text: a client that comes back (or many chats
/// from one client) costs the modulus validation once, not once per handshake. Bounded: when full
/// it starts afresh, so its memory never grows past <see cref="Capacity"/> keys (about 600 KB).
/// Keys are immutable, so sharing them between sessions is safe.
/// </summary>
internal static class ValidatedKeys
{
    public const int Capacity = 1024;
    private static readonly ConcurrentDictionary<string, RsaKeyParameters> Keys = new(StringComparer.Ordinal);

    public static bool TryGet(string base64, out RsaKeyParameters key) => Keys.TryGetValue(base64, out key!);

    public static void Add(string base64, RsaKeyParameters key)
    {
        if (Keys.Count >= Capacity)
            Keys.Clear();
        Keys.TryAdd(base64, key);
    }
}
