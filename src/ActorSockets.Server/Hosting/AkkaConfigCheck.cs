using ActorSockets.Protocol.Settings;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorSockets.Server.Hosting;

/// <summary>
/// Checks the <c>akka { … }</c> settings a config file brings, before the server is built, by
/// starting an actor system with them and stopping it (about a tenth of a second). Akka reads most
/// of its settings (log levels, dispatchers, mailboxes, the provider) only when a system starts,
/// where a bad one would end the start in a stack trace; here it is one line naming what Akka
/// refused, and exit 3, as for any bad setting.
/// </summary>
public static class AkkaConfigCheck
{
    public static void Check(Config akkaConfig, bool clusterEnabled)
    {
        foreach (var key in new[] { "akka.loglevel", "akka.stdout-loglevel" })
            CheckLogLevel(akkaConfig, key);
        if (!clusterEnabled)
            CheckProviderIsLocal(akkaConfig);
        // Silent: the check's own start and stop are no news to anyone.
        var quiet = ConfigurationFactory.ParseString("akka.loglevel = OFF\nakka.stdout-loglevel = OFF\nakka.log-config-on-start = off")
            .WithFallback(akkaConfig);
        try
        {
            var system = ActorSystem.Create("ActorSockets-config-check", quiet);
            system.Terminate().Wait(TimeSpan.FromSeconds(5)); // before any actor of ours exists: nothing to block
        }
        catch (Exception e) when (e is ConfigurationException or ArgumentException or TypeLoadException or InvalidOperationException
                                      or TypeInitializationException or FormatException or MissingMethodException)
        {
            throw new SettingsException($"config error: the akka settings cannot be used: {Innermost(e)}");
        }
    }

    /// <summary>
    /// Outside cluster mode nothing of ours talks to other nodes: a <c>remote</c> or <c>cluster</c>
    /// provider would only open Akka.Remote's port (0.0.0.0:2552 by default) to whoever reaches it.
    /// </summary>
    private static void CheckProviderIsLocal(Config config)
    {
        var provider = config.GetString("akka.actor.provider", null);
        if (provider is null)
            return;
        var opensRemoting = (provider.Equals("remote", StringComparison.OrdinalIgnoreCase)
            || provider.Equals("cluster", StringComparison.OrdinalIgnoreCase)
            || (Type.GetType(provider) is { } type && type != typeof(LocalActorRefProvider)));
        if (!opensRemoting)
            return; // local, or a name Akka itself will refuse
        throw SettingsException.Invalid("akka.actor.provider", provider,
            "local outside cluster mode (it would open Akka.Remote's port to anyone); set actor-sockets.cluster.enabled = on for a cluster");
    }

    private static void CheckLogLevel(Config config, string key)
    {
        var value = config.GetString(key, null);
        if (value is null)
            return;
        try
        {
            Logging.LogLevelFor(value);
        }
        catch (ArgumentException)
        {
            throw SettingsException.Invalid(key, value, "OFF, DEBUG, INFO, WARNING or ERROR");
        }
    }

    private static string Innermost(Exception e) => e.GetBaseException().Message;
}
