using System.Security.Cryptography;
using ActorSockets.Protocol.Chat;

namespace ActorSockets.Tests.Support;

/// <summary>RSA keys for chat tests, made once by .NET (fast) and read by our PKCS#8 reader.</summary>
internal static class TestKeys
{
    private static readonly Lazy<ChatKeyPair> ServerKey = new(() => Make(2048));
    private static readonly Lazy<ChatKeyPair> ClientKey = new(() => Make(2048));

    public static ChatKeyPair Server => ServerKey.Value;
    public static ChatKeyPair Client => ClientKey.Value;

    public static ChatKeyPair Make(int bits)
    {
        using var rsa = RSA.Create(bits);
        return ChatKeys.ReadPrivateKeyPem(rsa.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Writes a key as a PEM file (what openssl genpkey writes: PKCS#8).</summary>
    public static void Save(ChatKeyPair keys, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, ChatKeys.WritePrivateKeyPem(keys));
    }
}
