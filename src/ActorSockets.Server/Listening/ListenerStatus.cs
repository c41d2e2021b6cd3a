using System.Net;

namespace ActorSockets.Server.Listening;

/// <summary>
/// How binding went, for the program and the tests outside the actor system: completes with the
/// real bound endpoint (port 0 resolved), or fails with a <see cref="ListenException"/>.
/// Completed once by the listener actor; only awaited by others.
/// </summary>
public sealed class ListenerStatus
{
    private readonly TaskCompletionSource<EndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<EndPoint> Bound => _bound.Task;

    internal void ReportBound(EndPoint endPoint) => _bound.TrySetResult(endPoint);

    internal void ReportFailed(string message) => _bound.TrySetException(new ListenException(message));
}

/// <summary>The server could not listen: the message is the one line a person sees.</summary>
public sealed class ListenException(string message) : Exception(message);
