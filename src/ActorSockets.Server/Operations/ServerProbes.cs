using System.Diagnostics;
using ActorSockets.Server.Listening;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Operations;

/// <summary>
/// What the health probes ask (docs/OPERATIONS.md): <see cref="AliveAsync"/> for <c>/healthz</c> (the
/// actor system runs and the listener is bound), <see cref="ReadyAsync"/> for <c>/readyz</c> (alive,
/// and in cluster mode this node is Up, and the notes store answers within a second). Filled in by
/// the host once the actor system runs; a probe before that is not alive.
/// </summary>
public sealed class ServerProbes(ListenerStatus listener)
{
    /// <summary>How long the store may take to answer a readiness probe's read.</summary>
    public static readonly TimeSpan StoreAnswerWait = TimeSpan.FromSeconds(1);

    private volatile Started? _started;

    private sealed record Started(ActorSystem System, IActorRef? NotesStore, bool Clustered);

    /// <summary>
    /// The actor system runs; <paramref name="notesStore"/> is the notes store (or its singleton's
    /// proxy) if the service has one; <paramref name="clustered"/>: a cluster node.
    /// </summary>
    internal void OnStarted(ActorSystem system, IActorRef? notesStore, bool clustered) => _started = new Started(system, notesStore, clustered);

    public Task<HealthCheckResult> AliveAsync() => Task.FromResult(Alive(out _));

    private HealthCheckResult Alive(out Started? started)
    {
        started = _started;
        if (started is null)
            return HealthCheckResult.Unhealthy("the actor system has not started yet");
        if (started.System.WhenTerminated.IsCompleted)
            return HealthCheckResult.Unhealthy("the actor system has stopped");
        return listener.Bound.Status switch
        {
            TaskStatus.RanToCompletion => HealthCheckResult.Healthy($"listening on {listener.Bound.Result}"),
            TaskStatus.Faulted => HealthCheckResult.Unhealthy($"not listening: {listener.Bound.Exception?.InnerException?.Message}"),
            _ => HealthCheckResult.Unhealthy("not bound yet"),
        };
    }

    public async Task<HealthCheckResult> ReadyAsync()
    {
        var alive = Alive(out var started);
        if (alive.Status != HealthStatus.Healthy || started is null)
            return alive;
        var parts = new List<string> { alive.Description! };
        if (started.Clustered)
        {
            var self = Akka.Cluster.Cluster.Get(started.System).SelfMember;
            if (self.Status != MemberStatus.Up)
                return HealthCheckResult.Unhealthy($"this cluster node is {self.Status}, not Up");
            parts.Add("cluster node Up");
        }
        if (started.NotesStore is { } store)
        {
            var asked = Stopwatch.StartNew();
            object answer;
            try
            {
                // (Akka's overload with a reply-to factory takes a token: without one, the lambda itself would be the message.)
                answer = await store.Ask<object>(replyTo => new GetNotes(long.MaxValue, 0, 0, 0, replyTo, 0), StoreAnswerWait, CancellationToken.None);
            }
            catch (AskTimeoutException)
            {
                return HealthCheckResult.Unhealthy($"the notes store did not answer within {StoreAnswerWait.TotalSeconds:0} s");
            }
            if (answer is NotesNotRead notRead)
                return HealthCheckResult.Unhealthy($"the notes store is not serving: {notRead.Reason}");
            parts.Add($"notes store answered in {asked.ElapsedMilliseconds} ms");
        }
        return HealthCheckResult.Healthy(string.Join("; ", parts));
    }
}
