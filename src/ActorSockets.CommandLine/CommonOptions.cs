using System.CommandLine;
using ActorSockets.Configuration;

namespace ActorSockets.CommandLine;

/// <summary>
/// The options server, client and benchmark share (PROTOCOL.md section 6), in order of precedence
/// from weakest to strongest: <c>--config</c>, <c>--address</c>, <c>--port</c>, <c>--set</c>.
/// </summary>
public sealed class CommonOptions
{
    public Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = "HOCON config file; it need only name what differs from the defaults (sum over TCP on 127.0.0.1:5050)",
        HelpName = "FILE",
    };

    public Option<string?> Address { get; } = new("--address")
    {
        Description = "IP address to listen on (server) or connect to (client); overrides the config",
        HelpName = "IP",
    };

    public Option<int?> Port { get; } = new("--port", "-p")
    {
        Description = "port; overrides the config (server: 0 picks any free port)",
        HelpName = "N",
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "sets one key under actor-sockets, e.g. --set clients-limit=3; repeatable; overrides everything else",
        HelpName = "KEY=VALUE",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Address);
        command.Options.Add(Port);
        command.Options.Add(Set);
    }

    public ConfigSources Read(ParseResult result) =>
        new(result.GetValue(Config), result.GetValue(Address), result.GetValue(Port), result.GetValue(Set) ?? []);
}
