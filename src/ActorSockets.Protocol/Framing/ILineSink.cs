namespace ActorSockets.Protocol.Framing;

/// <summary>Receives the lines a <see cref="LineDecoder"/> finds, in order.</summary>
public interface ILineSink
{
    /// <summary>One complete line, without its terminator. The span is only valid during the call.</summary>
    void OnLine(ReadOnlySpan<byte> line);
}
