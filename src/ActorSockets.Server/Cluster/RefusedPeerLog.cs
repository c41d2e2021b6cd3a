using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Akka.Event;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// A peer refused at the TLS handshake is logged at most once a minute per address, with the reason
/// (PROTOCOL.md section 7). Akka.Remote's transport logs each refused connection three times (the
/// exception, the handshake failure with its reason and advice, and a warning), and a peer that is
/// refused tries again every two seconds: a plaintext node left running would fill the log. This
/// filter, given to Akka's logging (<see cref="LogFilterSetup"/>), keeps the handshake failure line
/// of a peer once a minute and drops the rest. A certificate our own check refuses is logged by
/// <see cref="ClusterTls"/> with the check's reason, so the transport's line for it is dropped too.
/// </summary>
/// <remarks>
/// It decides on the log source first (a <see cref="LogFilterType.Source"/> filter: Akka then does
/// not format every event of the server for it) and reads the message of the transport's two
/// handlers only.
/// </remarks>
public sealed partial class RefusedPeerLog : LogFilterBase
{
    /// <summary>How often one peer's refusal is logged.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, long> _lastLoggedMs = new();
    private readonly Func<long> _nowMs;

    public RefusedPeerLog(Func<long>? nowMs = null) => _nowMs = nowMs ?? (() => Environment.TickCount64);

    public override LogFilterType FilterType => LogFilterType.Source;

    public override LogFilterDecision ShouldKeepMessage(LogEvent content, string? expandedMessage = null)
    {
        if (!content.LogSource.StartsWith("TcpServerHandler", StringComparison.Ordinal)
            && !content.LogSource.StartsWith("TcpClientHandler", StringComparison.Ordinal))
            return LogFilterDecision.Keep;
        var message = content.Message?.ToString() ?? "";
        if (!message.Contains("TLS handshake", StringComparison.Ordinal) && !IsTlsFailure(content.Cause))
            return LogFilterDecision.Keep;
        // The handshake failure line carries the reason; the others repeat it. Ours says more for a certificate.
        if (!message.Contains("TLS handshake failed", StringComparison.Ordinal)
            || message.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal))
            return LogFilterDecision.Drop;
        return FirstThisMinute(PeerHost(message)) ? LogFilterDecision.Keep : LogFilterDecision.Drop;
    }

    /// <summary>Whether a refusal of <paramref name="peer"/> (any form that names its host) is due to be logged now; records it if so.</summary>
    public bool FirstThisMinute(string peer)
    {
        var host = PeerHost(peer);
        var now = _nowMs();
        while (true)
        {
            if (!_lastLoggedMs.TryGetValue(host, out var last))
            {
                if (_lastLoggedMs.TryAdd(host, now))
                    return true;
                continue;
            }
            if (now - last < (long)Interval.TotalMilliseconds)
                return false;
            if (_lastLoggedMs.TryUpdate(host, now, last))
                return true;
        }
    }

    /// <summary>
    /// The peer's host in a transport line: the remote side of <c>[local]-&gt;[remote]</c>, or the
    /// endpoint after "from"; without its port, which changes with every attempt.
    /// </summary>
    public static string PeerHost(string text)
    {
        var arrow = text.LastIndexOf("->", StringComparison.Ordinal);
        var remote = arrow >= 0 ? text[(arrow + 2)..] : text;
        var match = EndPointPattern().Match(remote);
        return match.Success ? match.Groups["host"].Value : remote;
    }

    private static bool IsTlsFailure(Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException
                || e.GetType().Name == "NotSslRecordException") // DotNetty's, which we do not reference
                return true;
        }
        return false;
    }

    /// <summary><c>[::ffff:10.77.0.11]:4053</c>, <c>[::1]:4053</c>, <c>10.77.0.11:4053</c>: the host without the port.</summary>
    [GeneratedRegex(@"\[(?<host>[0-9A-Fa-f:.]+)\]:\d+|(?<host>\d{1,3}(?:\.\d{1,3}){3}):\d+")]
    private static partial Regex EndPointPattern();
}
