using System.Net;
using ActorSockets.Protocol.Settings;

namespace ActorSockets.Bench;

/// <summary>What a load run does: who it drives, how hard, for how long, with what request.</summary>
/// <param name="Warmup">Run before the measured <paramref name="Duration"/>, not counted: lets both JITs settle.</param>
/// <param name="Pipeline">Requests each client keeps in flight (1: strict request, reply, request…).</param>
/// <param name="Request">The bytes of one request, exactly as sent (TCP: a line with its terminator; UDP: one datagram).</param>
/// <param name="ExpectPrefix">What every reply must start with; anything else counts as a wrong reply.</param>
/// <param name="ReplyWait">How long a reply may take: over UDP longer is a lost reply; over TCP, replies still owed this long after the run are errors.</param>
/// <param name="ConnectPerRequest">TCP: a new connection for every request (<see cref="ConnectPerRequestClient"/>) instead of one per client.</param>
internal sealed record LoadPlan(
    IPEndPoint Target,
    Transport Transport,
    int Clients,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Pipeline,
    byte[] Request,
    string ExpectPrefix,
    TimeSpan ReplyWait,
    bool ConnectPerRequest = false);

/// <summary>What a hold run does: opens idle TCP connections, keeps them, and sees which the server kept.</summary>
/// <param name="CheckRequest">When set, sent once on every connection to prove the server really serves it.</param>
/// <param name="ServerPid">The server's process, whose memory is read from <c>/proc/PID/status</c>; none, no memory figures.</param>
internal sealed record HoldPlan(
    IPEndPoint Target,
    int Connections,
    TimeSpan HoldFor,
    byte[]? CheckRequest,
    string ExpectPrefix,
    int? ServerPid,
    TimeSpan ReplyWait);
