namespace ActorSockets.Server.Limiting;

/// <summary>What one of the limiter's log lines is about.</summary>
public enum LimiterEvent
{
    Admitted,
    Refused,
    /// <summary>A session ended by its client, the server, or a limit, but not by the idle timeout or a crash.</summary>
    Ended,
    TimedOut,
    Crashed,
}

/// <summary>
/// A log line of the limiter's, carrying its kind, so that a reader (the live view's colours) tells
/// lines apart without reading their words. Written as its text, like any log line; its fields
/// (<paramref name="Session"/>, <paramref name="Remote"/>, <paramref name="Reason"/>, the clients
/// holding a place and the limit) are written as fields of their own in JSON logs.
/// </summary>
public sealed record LimiterLogLine(LimiterEvent Kind, string Text, long? Session, string Remote, string? Reason, int Clients, int Limit)
{
    public override string ToString() => Text;
}
