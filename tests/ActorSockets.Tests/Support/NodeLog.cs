using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace ActorSockets.Tests.Support;

/// <summary>
/// The last lines an in-process node logged, kept so that a wait on the node that runs out can say
/// what the node was doing: its log goes to the test process's standard output, which a CI run
/// does not show. The recorder is a system actor, so it hears the node until its very end.
/// </summary>
internal sealed class NodeLog
{
    private const int Kept = 50;
    private readonly ConcurrentQueue<string> _lines = new();

    private NodeLog()
    {
    }

    public static NodeLog Attach(ActorSystem system)
    {
        var log = new NodeLog();
        var recorder = ((ExtendedActorSystem)system).SystemActorOf(Props.Create(() => new Recorder(log)), "test-node-log");
        system.EventStream.Subscribe(recorder, typeof(LogEvent));
        return log;
    }

    /// <summary>The kept lines, oldest first, each cut to a readable length.</summary>
    public string Tail => string.Join("\n", _lines);

    private void Add(LogEvent e)
    {
        // A session admitted or closed is a line each; under a test's writers they would crowd out the rest.
        if (e is Info && e.LogSource.EndsWith("/user/limiter", StringComparison.Ordinal))
            return;
        var message = e.Message?.ToString() ?? "";
        if (message.Length > 300)
            message = message[..300] + "…";
        _lines.Enqueue($"{e.Timestamp:HH:mm:ss.fff} {e.LogLevel().ToString().Replace("Level", "")} {e.LogSource}: {message}");
        while (_lines.Count > Kept)
            _lines.TryDequeue(out _);
    }

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(NodeLog log) => Receive<LogEvent>(log.Add);
    }
}
