using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActorSockets.Server.Limiting;
using ActorSockets.Server.Sessions;
using Akka.Event;

namespace ActorSockets.Server.Hosting;

/// <summary>
/// One log event as one JSON object on one line (<c>log.format = json</c>), for log shippers:
/// <c>time</c> (UTC, ISO 8601), <c>level</c>, <c>source</c> (the actor), <c>message</c> (the text a
/// person reads), then the event's own fields: a limiter line's <c>event</c>, <c>session</c>,
/// <c>remote</c>, <c>reason</c>, <c>clients</c> and <c>limit</c>; any other line's <c>template</c> and
/// <c>args</c> as Akka's logger got them; and <c>error</c> when it carries an exception.
/// </summary>
public static class JsonLogLine
{
    public static string Format(LogEvent e, string level, string source)
    {
        var buffer = new MemoryStream();
        // Relaxed escaping: a log line is no HTML page, and "+" or "<" should read as themselves.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("time", e.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", level);
            json.WriteString("source", source);
            json.WriteString("message", e.Message?.ToString() ?? "");
            WriteFields(json, e.Message);
            switch (e.Cause)
            {
                case null:
                    break;
                case SessionProtocol.RequestedCrashException crash: // a demonstration: its stack trace tells nothing
                    json.WriteString("error", crash.GetType().Name);
                    break;
                case var cause:
                    json.WriteString("error", cause.ToString());
                    break;
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteFields(Utf8JsonWriter json, object? message)
    {
        switch (message)
        {
            case LimiterLogLine line:
                json.WriteString("event", line.Kind.ToString().ToLowerInvariant());
                if (line.Session is { } session)
                    json.WriteNumber("session", session);
                json.WriteString("remote", line.Remote);
                if (line.Reason is { } reason)
                    json.WriteString("reason", reason);
                json.WriteNumber("clients", line.Clients);
                json.WriteNumber("limit", line.Limit);
                break;
            case LogMessage formatted:
                json.WriteString("template", formatted.Format);
                json.WriteStartArray("args");
                foreach (var arg in formatted.Parameters())
                    json.WriteStringValue(Convert.ToString(arg, CultureInfo.InvariantCulture));
                json.WriteEndArray();
                break;
        }
    }
}
