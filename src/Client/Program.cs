using System.Net;
using System.CommandLine;
using ActorSockets.Client;
using ActorSockets.CommandLine;
using ActorSockets.Configuration;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Chat;
using ActorSockets.Protocol.Settings;

var common = new CommonOptions();
var wait = new Option<string?>("--wait")
{
    Description = "how long to wait for a reply: per try over UDP (default 1s), in all over TCP (default 10s)",
    HelpName = "DURATION",
};
var tries = new Option<int>("--tries")
{
    Description = "UDP: how many times a request is sent before the client gives up",
    DefaultValueFactory = _ => 3,
    HelpName = "N",
};
var key = new Option<string?>("--key")
{
    Description = "chat: this client's RSA key (PEM, PKCS#8), made if missing (default ~/.actor-sockets/client.pem)",
    HelpName = "FILE",
};
var knownHosts = new Option<string?>("--known-hosts")
{
    Description = "chat: the servers this user trusts (default ~/.actor-sockets/known_hosts)",
    HelpName = "FILE",
};
var acceptFingerprint = new Option<string?>("--accept-fingerprint")
{
    Description = "chat: trust the server if its key has this fingerprint (SHA256:…), for scripts or a key known to have changed",
    HelpName = "FINGERPRINT",
};
var fallback = new Option<string[]>("--fallback")
{
    Description = "TCP: another server of the same cluster, as HOST:PORT (repeatable): tried when the first cannot be reached, and a POST whose server went away is sent to the next",
    HelpName = "HOST:PORT",
    AllowMultipleArgumentsPerToken = false,
};
var root = new RootCommand("""
    ActorSockets client: talks to the server that the same config describes (service, transport, address, port).
    At a terminal it asks for two numbers (sum), takes POST/GET (notes) or chats (chat); from a pipe or file, each line is one request or message.
    Exit codes: 0 ok, 2 bad usage, 3 bad config, 4 cannot connect, 5 server busy, 6 idle timeout, 7 no reply, 8 server closed the session,
    9 chat server key not trusted (changed, or not accepted).
    """);
common.AddTo(root);
root.Options.Add(wait);
root.Options.Add(tries);
root.Options.Add(key);
root.Options.Add(knownHosts);
root.Options.Add(acceptFingerprint);
root.Options.Add(fallback);
root.SetAction(async (parsed, cancel) =>
{
    try
    {
        var settings = ConfigLoader.Load(common.Read(parsed)).Settings;
        var waitText = parsed.GetValue(wait);
        var perTry = waitText is null ? (settings.Transport == Transport.Udp ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10))
            : Durations.TryParse(waitText, out var w) ? w
            : throw new ClientFailure(ExitCodes.BadUsage, $"usage error: --wait \"{waitText}\" is not a duration such as 1s or 500ms");
        var tryCount = parsed.GetValue(tries);
        if (tryCount < 1)
            throw new ClientFailure(ExitCodes.BadUsage, "usage error: --tries takes a whole number, at least 1");
        if (settings.Port == 0)
            throw new ClientFailure(ExitCodes.BadConfig, "config error: actor-sockets.port = 0 means any port to a server; the client needs the server's port");

        var fallbacks = (parsed.GetValue(fallback) ?? []).Select(text => IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port > 0 ? endPoint
            : throw new ClientFailure(ExitCodes.BadUsage, $"usage error: --fallback \"{text}\" is not an IP address and port, e.g. 127.0.0.1:5052 or [::1]:5052")).ToList();
        if (fallbacks.Count > 0 && settings.Transport != Transport.Tcp)
            throw new ClientFailure(ExitCodes.BadUsage, "usage error: --fallback is for TCP");
        await using ServerLink link = settings.Transport == Transport.Tcp
            ? await TcpLink.ConnectAsync([settings.EndPoint, .. fallbacks], perTry, cancel)
            : new UdpLink(settings.EndPoint, perTry, tryCount);
        if (settings.Service == ServiceKind.Chat)
        {
            var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".actor-sockets");
            var chat = new ChatOptions(parsed.GetValue(key) ?? Path.Combine(home, "client.pem"),
                parsed.GetValue(knownHosts) ?? KnownHosts.DefaultPath, parsed.GetValue(acceptFingerprint),
                settings.ChatKeyBits, settings.ChatMaxMessageBytes);
            return await new ChatConversation(link, settings.EndPoint.ToString(), chat, Console.In, Console.Out, Console.Error,
                interactive: !Console.IsInputRedirected).RunAsync(cancel);
        }
        var conversation = new Conversation(link, settings.Service, Console.In, Console.Out);
        return Console.IsInputRedirected
            ? await conversation.RunScriptAsync(cancel)
            : await conversation.RunInteractiveAsync(cancel);
    }
    catch (SettingsException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return ExitCodes.BadConfig;
    }
    catch (ChatCryptoException e)
    {
        await Console.Error.WriteLineAsync($"chat key error: {e.Message}");
        return ExitCodes.BadConfig;
    }
    catch (ClientFailure e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return e.ExitCode;
    }
});

return await CommandLineRunner.RunAsync(root, args);
