using System.Security.Authentication;
using ActorSockets.Server.Cluster;
using Akka.Event;

namespace ActorSockets.Tests.Server.Cluster;

/// <summary>
/// What Akka.Remote's transport logs for each refused handshake (the lines below are as it wrote
/// them for a plaintext node knocking every 2 s), and what is left of it: one line a minute per peer.
/// </summary>
public sealed class RefusedPeerLogTests
{
    private const string Source = "TcpServerHandler (akka://ActorSockets)";
    private long _nowMs = 1_000_000;

    private RefusedPeerLog NewLog() => new(() => _nowMs);

    /// <summary>The three lines of one refused plaintext attempt from <paramref name="host"/>, port <paramref name="port"/>.</summary>
    private static LogEvent[] PlaintextAttempt(string host, int port)
    {
        var channel = $"[[::ffff:127.0.0.1]:4701->[::ffff:{host}]:{port}](Id=24d72ff8)";
        var cause = new AuthenticationException("not an SSL/TLS record: 3200000012300801");
        return
        [
            new Error(cause, Source, typeof(object), $"Error caught channel {channel}"),
            new Error(cause, Source, typeof(object), $"TLS handshake failed on channel {channel}\nTLS handshake failed (Server side):\n  Error: not an SSL/TLS record: 3200000012300801"),
            new Warning(Source, typeof(object), $"Rejected incoming connection from [[::ffff:{host}]:{port}] due to TLS handshake failure. This is likely invalid or malicious traffic."),
        ];
    }

    private static List<string> Kept(RefusedPeerLog log, IEnumerable<LogEvent> events) =>
        [.. events.Where(e => log.ShouldKeepMessage(e) == LogFilterDecision.Keep).Select(e => e.Message.ToString()!)];

    [Fact]
    public void A_peer_knocking_every_two_seconds_is_logged_once_a_minute_with_the_reason()
    {
        var log = NewLog();
        var kept = new List<string>();
        for (var attempt = 0; attempt < 45; attempt++) // 90 s of attempts, each from a new port
        {
            kept.AddRange(Kept(log, PlaintextAttempt("10.77.0.15", 40_000 + attempt)));
            _nowMs += 2_000;
        }
        Assert.Equal(2, kept.Count); // at 0 s and at 60 s
        Assert.All(kept, line => Assert.Contains("not an SSL/TLS record", line));
    }

    [Fact]
    public void Each_peer_address_has_its_own_minute()
    {
        var log = NewLog();
        Assert.Single(Kept(log, PlaintextAttempt("10.77.0.15", 40_001)));
        Assert.Single(Kept(log, PlaintextAttempt("10.77.0.16", 40_002)));
        Assert.Empty(Kept(log, PlaintextAttempt("10.77.0.15", 40_003)));
    }

    [Fact]
    public void The_transports_line_for_a_certificate_our_check_refused_is_dropped_ours_says_why()
    {
        var log = NewLog();
        var rejected = new Error(new AuthenticationException("The remote certificate was rejected by the provided RemoteCertificateValidationCallback."),
            Source, typeof(object), "TLS handshake failed on channel [[::ffff:127.0.0.1]:4701->[::ffff:127.0.0.1]:5000](Id=1)\n  Error: The remote certificate was rejected by the provided RemoteCertificateValidationCallback.");
        Assert.Equal(LogFilterDecision.Drop, log.ShouldKeepMessage(rejected));
        Assert.True(log.FirstThisMinute("[::ffff:127.0.0.1]:5000"));
        Assert.False(log.FirstThisMinute("[::ffff:127.0.0.1]:5002")); // same address, another port
    }

    [Fact]
    public void Everything_else_is_kept()
    {
        var log = NewLog();
        Assert.Equal(LogFilterDecision.Keep, log.ShouldKeepMessage(new Info("limiter", typeof(object), "session 1 admitted: 127.0.0.1:50486 (1/3 clients)")));
        Assert.Equal(LogFilterDecision.Keep, log.ShouldKeepMessage(new Error(new IOException("reset"), Source, typeof(object), "Error caught channel [a]->[b]")));
        Assert.Equal(LogFilterDecision.Keep, log.ShouldKeepMessage(new Warning("remoting (akka://ActorSockets)", typeof(object), "Tried to associate with unreachable remote address")));
    }

    [Theory]
    [InlineData("Error caught channel [[::ffff:127.0.0.1]:4701->[::ffff:10.77.0.15]:60856](Id=24d72ff8)", "::ffff:10.77.0.15")]
    [InlineData("Rejected incoming connection from [[::1]:60856] due to TLS handshake failure.", "::1")]
    [InlineData("10.77.0.15:60856", "10.77.0.15")]
    public void The_peers_host_is_read_without_its_port(string text, string host) => Assert.Equal(host, RefusedPeerLog.PeerHost(text));
}
