using ActorSockets.Server.Sessions;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ActorSockets.Server.Hosting;

/// <summary>
/// Akka logger that writes one plain line per event to standard output, for a person watching the
/// server: <c>10:54:07.407 INFO  limiter: session 1 admitted: 127.0.0.1:50486 (1/3 clients)</c>, or,
/// with <c>log.format = json</c>, one JSON object a line for a log shipper (<see cref="JsonLogLine"/>).
/// Like Akka's own standard-out logger it runs on the logging dispatcher, never on a session's thread.
/// </summary>
public sealed class ConsoleLineLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public ConsoleLineLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        var filter = Context.System.Settings.LogFilter;
        var json = Context.System.Settings.Config.GetString(ServerHocon.LogFormatKey, "text") == "json";
        Receive<LogEvent>(e => Write(e, filter, json));
    }

    /// <summary>One event, written the way this logger and its standard-out stand-ins write it.</summary>
    private static void Write(LogEvent e, LogFilterEvaluator filter, bool json)
    {
        // Akka's own loggers honour the system's log filters (LogFilterSetup); so does this one.
        if (!filter.ShouldTryKeepMessage(e, out _))
            return;
        // While the live view owns the terminal, its last-events list shows the lines instead.
        var view = LiveView.ViewEvents.Active;
        view?.Add(new LiveView.ViewEvent(e.Timestamp, Level(e), ShortSource(e.LogSource), e.Message?.ToString() ?? "",
            (e.Message as Limiting.LimiterLogLine)?.Kind));
        if (view is not null && File is null)
            return;
        // Rendered once, for the terminal and the file alike.
        var line = json ? FormatJson(e) : Format(e);
        if (view is null)
            Console.Out.WriteLine(line);
        File?.WriteLine(line);
    }

    /// <summary>
    /// Akka's standard-out logger (<c>akka.stdout-logger-class</c>, set by <see cref="ServerHocon.ForLog"/>)
    /// in this logger's format. Akka writes through it before the loggers start and after they stop,
    /// and it hands it the events still queued for this logger when a shutdown stops it: with Akka's
    /// own, the last lines of a quick shutdown came out in Akka's format, under <c>log.format = json</c>
    /// lines no log shipper reads. One class a format, as Akka makes it with no arguments.
    /// </summary>
    public abstract class Stdout(bool json) : MinimalLogger
    {
        protected sealed override void Log(object message) =>
            Write(message as LogEvent ?? new Info(nameof(Stdout), typeof(ConsoleLineLogger), message), Filter, json);
    }

    public sealed class TextStdout() : Stdout(json: false);

    public sealed class JsonStdout() : Stdout(json: true);

    /// <summary>
    /// The file every line is also appended to (log.file), set by the host before the actor system
    /// starts; written on the logging dispatcher only.
    /// </summary>
    public static TextWriter? File { get; set; }

    private static string Level(LogEvent e) => e.LogLevel() switch
    {
        LogLevel.DebugLevel => "DEBUG",
        LogLevel.InfoLevel => "INFO",
        LogLevel.WarningLevel => "WARN",
        _ => "ERROR",
    };

    public static string Format(LogEvent e)
    {
        var line = $"{e.Timestamp.ToLocalTime():HH:mm:ss.fff} {Level(e),-5} {ShortSource(e.LogSource)}: {e.Message}";
        return e.Cause switch
        {
            null => line,
            // A requested crash is a demonstration: its stack trace tells nothing.
            SessionProtocol.RequestedCrashException crash => $"{line} ({crash.GetType().Name})",
            var cause => $"{line}{Environment.NewLine}{cause}",
        };
    }

    /// <summary>The event as one JSON object on one line (<c>log.format = json</c>).</summary>
    public static string FormatJson(LogEvent e) => JsonLogLine.Format(e, Level(e), ShortSource(e.LogSource));

    private static string ShortSource(string source)
    {
        var user = source.IndexOf("/user/", StringComparison.Ordinal);
        if (user >= 0)
            return source[(user + "/user/".Length)..];
        var system = source.IndexOf("/system/", StringComparison.Ordinal);
        return system >= 0 ? source[(system + 1)..] : source;
    }
}
