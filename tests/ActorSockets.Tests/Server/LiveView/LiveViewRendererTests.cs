using ActorSockets.Configuration;
using ActorSockets.Server.Limiting;
using ActorSockets.Server.LiveView;
using Spectre.Console.Testing;
using static ActorSockets.Server.Limiting.PictureProtocol;
using StatsSnapshot = ActorSockets.Server.Sessions.SessionProtocol.StatsSnapshot;

namespace ActorSockets.Tests.Server.LiveView;

/// <summary>What the live view draws for a known picture: the tree, the sessions with their idle bars, the last events.</summary>
public sealed class LiveViewRendererTests
{
    private static string Draw(LimiterPicture? picture, IReadOnlyList<ViewEvent> events, long nowMs, params string[] sets)
    {
        var settings = ConfigLoader.Load(new ConfigSources(null, null, null, sets)).Settings;
        var console = new TestConsole().Width(120);
        console.Write(LiveViewRenderer.Render(settings, "tcp 127.0.0.1:5050", picture, events, nowMs));
        return console.Output;
    }

    private static readonly DateTime At = new(2026, 11, 25, 10, 54, 7, DateTimeKind.Local);

    [Fact]
    public void It_draws_the_listener_the_limiters_figures_and_a_line_per_session_with_its_idle_time_left()
    {
        var picture = new LimiterPicture(new StatsSnapshot(2, 5, 12, 3, 1, 1, 480), 3,
        [
            new SessionLine(7, "127.0.0.1:50486", Ending: false, Requests: 12, LastActivityMs: 10_000),
            new SessionLine(6, "127.0.0.1:50480", Ending: true, Requests: 1, LastActivityMs: 0),
            new SessionLine(4, "127.0.0.1:50470", Ending: false, Requests: 2, LastActivityMs: 0, Waiting: true),
        ]);
        var events = new[]
        {
            new ViewEvent(At, "INFO", "limiter", "session 7 admitted: 127.0.0.1:50486 (2/5 clients)", LimiterEvent.Admitted),
            new ViewEvent(At, "INFO", "limiter", "session 5 crashed and was stopped: 127.0.0.1:50470 (1/5 clients)", LimiterEvent.Crashed),
        };

        var drawn = Draw(picture, events, nowMs: 25_000, "timeout=30s");

        Assert.Contains("listener  tcp 127.0.0.1:5050", drawn);
        Assert.Contains("limiter  clients 2/5  admitted 12  refused 3  timeouts 1  crashes 1  requests 480", drawn);
        Assert.DoesNotContain("nodes", drawn); // a single server
        Assert.Contains("session-7  127.0.0.1:50486  serving  12 requests  ■■■■■□□□□□ 15s", drawn); // 15 of 30 s left
        Assert.Contains("session-6  127.0.0.1:50480  ending", drawn);
        Assert.Contains("session-4  127.0.0.1:50470  waiting for its service  2 requests", drawn);
        Assert.Contains("10:54:07", drawn);
        Assert.Contains("session 5 crashed and was stopped", drawn);
        Assert.True(drawn.IndexOf("session-7", StringComparison.Ordinal) < drawn.IndexOf("session-6", StringComparison.Ordinal), "newest first");
    }

    [Fact]
    public void With_thousands_of_sessions_it_draws_the_newest_and_counts_the_rest()
    {
        var recent = Enumerable.Range(0, LiveViewRenderer.SessionLines)
            .Select(i => new SessionLine(5000 - i, $"10.0.0.1:{40000 + i}", false, 1, 0)).ToList();
        var drawn = Draw(new LimiterPicture(new StatsSnapshot(5000, 10000, 5000, 0, 0, 0, 5000, Nodes: 3), 5000, recent), [], nowMs: 0, "clients-limit=10000");

        Assert.Contains("session-5000", drawn);
        Assert.Contains($"… and {5000 - LiveViewRenderer.SessionLines} older session(s)", drawn);
        Assert.Contains("nodes 3", drawn);
        Assert.Contains("none yet", drawn);
        Assert.Equal(LiveViewRenderer.SessionLines, drawn.Split('\n').Count(line => line.Contains("session-", StringComparison.Ordinal)));
    }

    [Fact]
    public void Idle_bars_count_down_and_say_off_when_there_is_no_timeout()
    {
        var session = new SessionLine(1, "127.0.0.1:1", false, 0, LastActivityMs: 0);
        var thirty = ConfigLoader.Load(new ConfigSources(null, null, null, ["timeout=30s"])).Settings.Timeout;
        Assert.Equal("[green]■■■■■■■■■■[/][grey][/] 30s", LiveViewRenderer.IdleBar(session, thirty, nowMs: 0));
        Assert.Equal("[red]■[/][grey]□□□□□□□□□[/] 1s", LiveViewRenderer.IdleBar(session, thirty, nowMs: 29_000));
        Assert.Equal("[red][/][grey]□□□□□□□□□□[/] 0s", LiveViewRenderer.IdleBar(session, thirty, nowMs: 40_000));
        var off = ConfigLoader.Load(new ConfigSources(null, null, null, ["timeout=off"])).Settings.Timeout;
        Assert.Contains("idle timeout off", LiveViewRenderer.IdleBar(session, off, nowMs: 0));
        Assert.Contains("starting", Draw(null, [], 0));
    }

    [Fact]
    public void Events_are_coloured_by_their_kind_not_by_their_words()
    {
        ViewEvent Line(string text, LimiterEvent? kind, string level = "INFO") => new(At, level, "limiter", text, kind);
        Assert.Equal("green", LiveViewRenderer.Colour(Line("session 7 admitted: 127.0.0.1:1 (1/5 clients)", LimiterEvent.Admitted)));
        Assert.Equal("yellow", LiveViewRenderer.Colour(Line("refused 127.0.0.1:2: clients limit reached (5/5 clients)", LimiterEvent.Refused)));
        Assert.Equal("blue", LiveViewRenderer.Colour(Line("session 3 timed out after 30s idle: 127.0.0.1:3 (4/5 clients)", LimiterEvent.TimedOut)));
        Assert.Equal("red", LiveViewRenderer.Colour(Line("session 5 crashed and was stopped: 127.0.0.1:4 (3/5 clients)", LimiterEvent.Crashed)));
        Assert.Equal("default", LiveViewRenderer.Colour(Line("session 6 closed: client quit: 127.0.0.1:5 (2/5 clients)", LimiterEvent.Ended)));
        // Another actor's line that happens to use the words is not the limiter's event.
        Assert.Equal("default", LiveViewRenderer.Colour(Line("a client was admitted, then crashed", kind: null)));
        Assert.Equal("yellow", LiveViewRenderer.Colour(Line("notes storage failing", kind: null, level: "WARN")));
    }
}
