using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSockets.Tests.Support;

/// <summary>
/// Several real servers in this process, each a node of one Akka.Cluster on loopback (cluster ports
/// picked free, every node listing them all as seeds), started as <c>src/Server</c> composes them.
/// A node can be crashed: its actor system is terminated without leaving the cluster, as a killed
/// process would vanish, so the others must notice it and down it themselves.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private static readonly TimeSpan FormWait = TimeSpan.FromSeconds(40);
    /// <summary>A crash is a system terminated without its coordinated shutdown (no leaving, no hand-over).</summary>
    private const string CrashOnTerminate = "akka.coordinated-shutdown.run-by-actor-system-terminate = off";
    /// <summary>
    /// The nodes start one after another within a second or two, and a seed that is asked before it
    /// has joined says so (InitJoinNack): Akka's join process then waits <c>seed-node-timeout</c> before
    /// it asks again. The product keeps Akka's 5 s (ClusterSetup says why); a fresh test cluster, whose
    /// first seed always starts first, forms 4 s sooner with 1 s, five times in the suite's serial part.
    /// </summary>
    private const string QuickJoin = "akka.cluster.seed-node-timeout = 1s";

    private readonly RunningServer[] _nodes;
    private readonly NodeLog[] _logs;
    private readonly bool[] _crashed;

    private TestCluster(RunningServer[] nodes, NodeLog[] logs)
    {
        _nodes = nodes;
        _logs = logs;
        _crashed = new bool[nodes.Length];
    }

    public int Count => _nodes.Length;

    public IPEndPoint EndPointOf(int node) => _nodes[node].EndPoint;

    public ActorSystem SystemOf(int node) => _nodes[node].Services.GetRequiredService<ActorSystem>();

    public IServiceProvider ServicesOf(int node) => _nodes[node].Services;

    public IEnumerable<int> Alive => Enumerable.Range(0, Count).Where(node => !_crashed[node]);

    /// <summary>Starts <paramref name="count"/> nodes with <paramref name="sets"/> and waits until every one sees all of them up.</summary>
    public static Task<TestCluster> StartAsync(int count, params string[] sets) => StartAsync(count, partitionable: false, sets);

    /// <param name="partitionable">
    /// Runs remoting through Akka's throttler (<c>trttl</c>), so that <see cref="PartitionAsync"/> can cut
    /// links. Its addresses are <c>akka.trttl.tcp://…</c>, so the seed nodes are given in Akka's own key.
    /// </param>
    public static async Task<TestCluster> StartAsync(int count, bool partitionable, params string[] sets)
    {
        var ports = LoopbackPorts.Free(count);
        var seeds = string.Join(",", ports.Select(port => $"127.0.0.1:{port}"));
        var throttled = "akka.remote.dot-netty.tcp.applied-adapters = [trttl]\n" +
            $"akka.cluster.seed-nodes = [{string.Join(",", ports.Select(port => $"\"akka.trttl.tcp://ActorSockets@127.0.0.1:{port}\""))}]\n";
        var nodes = new RunningServer[count];
        var logs = new NodeLog[count];
        for (var i = 0; i < count; i++)
        {
            nodes[i] = partitionable
                ? await RunningServer.StartWithAkkaAsync($"{CrashOnTerminate}\n{QuickJoin}\n{throttled}", [.. sets, "cluster.enabled=on", $"cluster.port={ports[i]}"])
                : await RunningServer.StartWithAkkaAsync($"{CrashOnTerminate}\n{QuickJoin}",
                    [.. sets, "cluster.enabled=on", $"cluster.port={ports[i]}", $"cluster.seed-nodes={seeds}"]);
            logs[i] = NodeLog.Attach(nodes[i].System);
        }
        var cluster = new TestCluster(nodes, logs);
        await WaitUntilAsync(() => cluster.Alive.All(node => cluster.UpSeenBy(node) == count), FormWait, $"{count} nodes up");
        return cluster;
    }

    /// <summary>The nodes <paramref name="node"/> sees up.</summary>
    public int UpSeenBy(int node) => Akka.Cluster.Cluster.Get(SystemOf(node)).State.Members.Count(member => member.Status == MemberStatus.Up);

    /// <summary>The node a singleton (<c>notes-store</c>, <c>clients-count</c>) runs on now, if any.</summary>
    public async Task<int?> SingletonNodeAsync(string name)
    {
        foreach (var node in Alive)
        {
            try
            {
                await SystemOf(node).ActorSelection($"/user/{name}/singleton").ResolveOne(TimeSpan.FromMilliseconds(500));
                return node;
            }
            catch (ActorNotFoundException)
            {
            }
        }
        return null;
    }

    /// <summary>
    /// Waits until <paramref name="node"/>'s actor system has terminated; if it has not within
    /// <paramref name="wait"/>, fails with what every node sees of the cluster and this node's last log lines.
    /// </summary>
    public async Task WaitForStopAsync(int node, TimeSpan wait)
    {
        var stopped = SystemOf(node).WhenTerminated;
        if (await Task.WhenAny(stopped, Task.Delay(wait)) == stopped)
            return;
        var others = Alive.Where(other => other != node).Select(StateSeenBy);
        throw new TimeoutException($"node {node} did not stop within {wait.TotalSeconds} s\n{StateSeenBy(node)}\n{string.Join("\n", others)}\n" +
            $"node {node}'s last log lines:\n{_logs[node].Tail}");
    }

    /// <summary>One line: what <paramref name="node"/> sees of the cluster now (members by cluster port, the leader), and whether and why it shuts down.</summary>
    private string StateSeenBy(int node)
    {
        var system = SystemOf(node);
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        var members = string.Join(", ", state.Members.Select(member =>
            $"{member.Address.Port} {member.Status}{(state.Unreachable.Contains(member) ? " unreachable" : "")}"));
        return $"node {node} (cluster port {cluster.SelfAddress.Port}) sees [{members}], leader {state.Leader?.Port}; " +
            $"terminated {system.WhenTerminated.IsCompleted}, shutdown reason {CoordinatedShutdown.Get(system).ShutdownReason?.GetType().Name ?? "none"}";
    }

    /// <summary>Terminates a node's actor system without leaving the cluster: a crash, as the others see it.</summary>
    public async Task CrashAsync(int node)
    {
        _crashed[node] = true;
        await SystemOf(node).Terminate().WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>
    /// Cuts every link between <paramref name="node"/> and the others, both ways (a cluster started
    /// partitionable only). The node is then on its own: the others' resolver downs it, and it downs
    /// itself and stops, so it counts as gone from here on.
    /// </summary>
    public async Task PartitionAsync(int node)
    {
        var others = Alive.Where(other => other != node).ToList();
        var addressOf = (int n) => Akka.Cluster.Cluster.Get(SystemOf(n)).SelfAddress;
        foreach (var other in others)
        {
            Assert.True(await Transport(node).ManagementCommand(new SetThrottle(addressOf(other), ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
            Assert.True(await Transport(other).ManagementCommand(new SetThrottle(addressOf(node), ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
        }
        _crashed[node] = true;
    }

    private Akka.Remote.RemoteTransport Transport(int node) => ((Akka.Remote.IRemoteActorRefProvider)((ExtendedActorSystem)SystemOf(node)).Provider).Transport;

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan wait, string what) => WaitUntilAsync(() => Task.FromResult(condition()), wait, what);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan wait, string what)
    {
        var deadline = DateTime.UtcNow + wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {wait.TotalSeconds} s: {what}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Survivors leave one by one (the singletons hand over), crashed ones are only disposed.
        foreach (var node in Enumerable.Range(0, Count).Reverse())
        {
            if (_crashed[node])
                await _nodes[node].DisposeAbandonedAsync();
            else
                await _nodes[node].DisposeAsync();
        }
    }
}
