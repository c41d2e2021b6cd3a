using System.Globalization;
using ActorSockets.Protocol.Settings;
using Spectre.Console;
using Spectre.Console.Rendering;
using ActorSockets.Server.Limiting;
using static ActorSockets.Server.Limiting.PictureProtocol;

namespace ActorSockets.Server.LiveView;

/// <summary>
/// Draws one frame of the live view from what the limiter last said and the last log lines: the
/// actor tree (listener, limiter with its figures, one line per session with its idle time left as a
/// bar), then the last events coloured by kind. A pure function of its inputs, so a test can draw a
/// known picture on Spectre's test console.
/// </summary>
public static class LiveViewRenderer
{
    /// <summary>Sessions drawn one per line; more are counted, not drawn (a frame stays small with thousands).</summary>
    public const int SessionLines = 15;
    private const int BarCells = 10;

    public static IRenderable Render(ActorSocketsSettings settings, string listener, LimiterPicture? picture, IReadOnlyList<ViewEvent> events, long nowMs)
    {
        var service = ActorSocketsSettings.NameOf(settings.Service);
        var tree = new Tree(new Markup($"[bold]ActorSockets[/] {Markup.Escape(service)}  [grey](Ctrl+C stops: every client gets BYE shutdown)[/]"));
        tree.AddNode(new Markup($"[blue]listener[/]  {Markup.Escape(listener)}"));
        if (picture is null)
        {
            tree.AddNode(new Markup("[blue]limiter[/]  [grey]starting…[/]"));
        }
        else
        {
            var limiter = tree.AddNode(new Markup($"[blue]limiter[/]  {Figures(picture)}"));
            foreach (var session in picture.Recent.Take(SessionLines))
                limiter.AddNode(new Markup(SessionText(session, settings.Timeout, nowMs)));
            var hidden = picture.Sessions - Math.Min(picture.Recent.Count, SessionLines);
            if (hidden > 0)
                limiter.AddNode(new Markup($"[grey]… and {hidden} older session(s)[/]"));
        }
        var table = new Table().Border(TableBorder.Simple).AddColumn("time").AddColumn("last events");
        foreach (var e in events)
            table.AddRow(new Markup($"[grey]{e.Time.ToLocalTime():HH:mm:ss}[/]"), new Markup($"[{Colour(e)}]{Markup.Escape(e.Text)}[/]"));
        if (events.Count == 0)
            table.AddRow(new Markup(""), new Markup("[grey]none yet[/]"));
        return new Rows(tree, table);
    }

    private static string Figures(LimiterPicture picture)
    {
        var p = picture.Stats;
        return $"clients [bold]{p.Clients}/{p.ClientsLimit}[/]  admitted {p.Admitted}  refused {p.Refused}  timeouts {p.Timeouts}  " +
            $"crashes {p.Crashes}  requests {p.Requests}" + (p.Nodes is { } nodes ? $"  nodes {nodes}" : "");
    }

    private static string SessionText(SessionLine s, IdleTimeout timeout, long nowMs)
    {
        var head = $"session-{s.Id}  {Markup.Escape(s.Remote)}  ";
        if (s.Ending)
            return head + "[grey]ending[/]";
        var requests = s.Requests == 1 ? "1 request" : $"{s.Requests} requests";
        if (s.Waiting)
            return head + $"[yellow]waiting for its service[/]  {requests}  [grey](no idle clock while the server owes a reply)[/]";
        return head + $"serving  {requests}  {IdleBar(s, timeout, nowMs)}";
    }

    /// <summary>The idle time left, as a bar counting down to <c>BYE timeout</c>; to the second, as sessions report.</summary>
    public static string IdleBar(SessionLine s, IdleTimeout timeout, long nowMs)
    {
        if (timeout.Duration is not { } duration)
            return "[grey]idle timeout off[/]";
        var left = Math.Max(duration.TotalMilliseconds - (nowMs - s.LastActivityMs), 0);
        var filled = (int)Math.Ceiling(left / duration.TotalMilliseconds * BarCells);
        var colour = filled > BarCells / 2 ? "green" : filled > BarCells / 5 ? "yellow" : "red";
        var seconds = (left / 1000).ToString("0", CultureInfo.InvariantCulture);
        return $"[{colour}]{new string('■', filled)}[/][grey]{new string('□', BarCells - filled)}[/] {seconds}s";
    }

    /// <summary>Admitted green, refused yellow, timed out blue, crashed red, the rest (closed, other logs) plain or by level.</summary>
    internal static string Colour(ViewEvent e) => e.Kind switch
    {
        _ when e.Level is "ERROR" => "red",
        LimiterEvent.Crashed => "red",
        LimiterEvent.Admitted => "green",
        LimiterEvent.Refused => "yellow",
        LimiterEvent.TimedOut => "blue",
        _ when e.Level is "WARN" => "yellow",
        _ => "default",
    };
}
