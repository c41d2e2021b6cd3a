using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Hosting;
using Akka.Actor;
using Akka.Configuration;

namespace ActorSockets.Tests.Server.Hosting;

/// <summary>
/// Akka's standard-out logger is the server's, in the log's format. Akka writes through it before
/// the loggers start and after they stop, and hands it the events still queued for
/// <see cref="ConsoleLineLogger"/> when a shutdown stops it: with Akka's own, a quick shutdown under
/// <c>log.format = json</c> ended with a line in Akka's text format (1 run in 13 to 33 of a server
/// asked once and stopped; <c>ServiceProcessTests</c> failed on it in CI).
/// </summary>
public sealed class StdoutLoggerTests
{
    [Theory]
    [InlineData(LogFormat.Json, typeof(ConsoleLineLogger.JsonStdout))]
    [InlineData(LogFormat.Text, typeof(ConsoleLineLogger.TextStdout))]
    public async Task The_log_format_chooses_akkas_standard_out_logger(LogFormat format, Type expected)
    {
        var config = ConfigurationFactory.ParseString(ServerHocon.ForLog(LogLevelSetting.Warning, format));
        var system = ActorSystem.Create("stdout-logger", config);
        try
        {
            Assert.IsType(expected, system.Settings.StdoutLogger);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
