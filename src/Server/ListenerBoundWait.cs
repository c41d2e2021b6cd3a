using ActorSockets.Server.Listening;
using Microsoft.Extensions.Hosting;

namespace ActorSockets.ServerApp;

/// <summary>
/// The last hosted service: its start waits until the listener is bound (or failed to bind), so
/// that the host counts as started, and systemd hears READY=1, only once clients can connect.
/// A failure to bind fails the start with its <see cref="ListenException"/>.
/// </summary>
internal sealed class ListenerBoundWait(ListenerStatus listener, TimeSpan bound) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => listener.Bound.WaitAsync(bound, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
