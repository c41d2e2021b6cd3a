using System.Buffers;

namespace ActorSockets.Server.Services;

/// <summary>
/// What a service does with a request that is not one of the common commands (PING, HELP, STATS,
/// QUIT). The session owns framing, tags, timeouts and writing; the service only answers.
/// </summary>
public interface IService
{
    /// <summary>The service's own lines of the HELP reply, before the common ones.</summary>
    IReadOnlyList<string> HelpLines { get; }

    /// <summary>
    /// Answers one request synchronously: writes the reply line(s), each prefixed by the tag when there is one.
    /// </summary>
    void Handle(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body, IBufferWriter<byte> reply);
}
