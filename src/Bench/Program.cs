using System.CommandLine;
using System.Net.Sockets;
using ActorSockets.Bench;
using ActorSockets.CommandLine;
using ActorSockets.Configuration;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Settings;
using Spectre.Console;

SocketEngineDefaults.PreferInlineCompletions();

var common = new CommonOptions();
var clients = new Option<int>("--clients") { Description = "clients at once, each on its own connection or UDP socket", DefaultValueFactory = _ => 50, HelpName = "N" };
var duration = new Option<string>("--duration") { Description = "how long to measure, after every client has connected", DefaultValueFactory = _ => "10s", HelpName = "DURATION" };
var warmup = new Option<string>("--warmup") { Description = "run this long first without counting, so that both sides are warm (0s for none)", DefaultValueFactory = _ => "1s", HelpName = "DURATION" };
var pipeline = new Option<int>("--pipeline") { Description = "requests each client keeps in flight (1: strict request -> reply); UDP sends K, then waits for K", DefaultValueFactory = _ => 1, HelpName = "K" };
var request = new Option<string?>("--request") { Description = "the request, with \\n \\r \\t escapes (default: 3 4 for sum, PING otherwise); a TCP request without \\n gets one", HelpName = "TEXT" };
var expect = new Option<string?>("--expect") { Description = "what every reply must start with (default: 7 for sum, PONG otherwise)", HelpName = "PREFIX" };
var wait = new Option<string>("--wait") { Description = "UDP: a reply later than this is lost; TCP: how long after the run replies may still come", DefaultValueFactory = _ => "1s", HelpName = "DURATION" };
var hold = new Option<int?>("--hold") { Description = "instead of load: open N idle TCP connections, hold them, report how many the server kept", HelpName = "N" };
var holdFor = new Option<string>("--hold-for") { Description = "with --hold: how long to hold them", DefaultValueFactory = _ => "10s", HelpName = "DURATION" };
var serverPid = new Option<int?>("--server-pid") { Description = "with --hold: the server's process id, to read its memory from /proc/PID/status", HelpName = "PID" };
var connectPerRequest = new Option<bool>("--connect-per-request") { Description = "TCP: open a new connection for every request (connect, request, QUIT, close), to see what a connection costs" };
var json = new Option<bool>("--json") { Description = "print the result as JSON, for scripts" };

var root = new RootCommand("""
    ActorSockets benchmark: drives a running server over TCP or UDP, as the config says, and reports
    requests per second, latency percentiles (HdrHistogram), errors, wrong and lost replies.
    Drives any line protocol with --request/--expect, e.g. Redis: --port 6379 --request 'PING\r\n' --expect +PONG
    Exit codes: 0 ok, 1 the run saw errors or wrong replies, 2 bad usage, 3 bad config, 4 cannot connect.
    """);
common.AddTo(root);
foreach (var option in new Option[] { clients, duration, warmup, pipeline, request, expect, wait, hold, holdFor, serverPid, connectPerRequest, json })
    root.Options.Add(option);

root.SetAction(async (parsed, cancel) =>
{
    ActorSocketsSettings settings;
    try
    {
        settings = ConfigLoader.Load(common.Read(parsed)).Settings;
    }
    catch (SettingsException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return ExitCodes.BadConfig;
    }
    var output = parsed.GetValue(json) ? OutputKind.Json
        : Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive ? OutputKind.Plain
        : OutputKind.Terminal;
    try
    {
        var (defaultRequest, defaultExpect) = RequestText.DefaultFor(settings.Service);
        var requestText = RequestText.Unescape(parsed.GetValue(request) ?? defaultRequest);
        var expectText = RequestText.Unescape(parsed.GetValue(expect) ?? defaultExpect);
        var replyWait = Duration(parsed.GetValue(wait)!, "--wait");
        if (parsed.GetValue(hold) is { } holdCount)
        {
            if (settings.Transport != Transport.Tcp)
                return Usage("--hold holds TCP connections; the config says UDP");
            if (holdCount is < 1 or > 1_000_000)
                return Usage("--hold takes a number from 1 to 1000000");
            var holdPlan = new HoldPlan(settings.EndPoint, holdCount, Duration(parsed.GetValue(holdFor)!, "--hold-for"),
                parsed.GetValue(request) is null ? null : RequestText.RequestBytes(requestText, Transport.Tcp), expectText,
                parsed.GetValue(serverPid), replyWait);
            var held = await WithProgress(output, "connecting", report => HoldRun.RunAsync(holdPlan, report, cancel));
            Report.Write(held, output, Console.Out);
            return held.ConnectFailed > 0 || held.WrongReplies > 0 ? 1 : ExitCodes.Ok;
        }
        var clientCount = parsed.GetValue(clients);
        var inFlight = parsed.GetValue(pipeline);
        if (clientCount is < 1 or > 100_000)
            return Usage("--clients takes a number from 1 to 100000");
        if (inFlight is < 1 or > 1024)
            return Usage("--pipeline takes a number from 1 to 1024");
        var warmupText = parsed.GetValue(warmup)!;
        var warmupTime = warmupText.Trim() is "0" or "0s" ? TimeSpan.Zero : Duration(warmupText, "--warmup");
        var perRequest = parsed.GetValue(connectPerRequest);
        if (perRequest && (settings.Transport != Transport.Tcp || inFlight != 1))
            return Usage("--connect-per-request is for TCP, one request per connection (no --pipeline)");
        var plan = new LoadPlan(settings.EndPoint, settings.Transport, clientCount, Duration(parsed.GetValue(duration)!, "--duration"), warmupTime,
            inFlight, RequestText.RequestBytes(requestText, settings.Transport), expectText, replyWait, perRequest);
        var result = await WithProgress(output, warmupTime > TimeSpan.Zero ? "connecting, then warming up" : "connecting", report =>
            LoadRun.RunAsync(plan, (replies, elapsed) => report(
                $"{replies / Math.Max(elapsed.TotalSeconds, 0.001):#,0} req/s, {replies:#,0} replies, {Math.Min(elapsed.TotalSeconds, plan.Duration.TotalSeconds):0} of {plan.Duration.TotalSeconds:0} s"), cancel));
        Report.Write(result, output, Console.Out);
        return result.Errors > 0 || result.WrongReplies > 0 ? 1 : ExitCodes.Ok;
    }
    catch (Exception e) when (e is UsageException or FormatException)
    {
        return Usage(e.Message);
    }
    catch (SocketException e)
    {
        await Console.Error.WriteLineAsync($"cannot connect to {settings.EndPoint} ({ActorSocketsSettings.NameOf(settings.Transport)}): {e.SocketErrorCode}");
        return ExitCodes.CannotConnect;
    }
    catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
    {
        await Console.Error.WriteLineAsync($"cannot connect to {settings.EndPoint}: no answer in 10 s");
        return ExitCodes.CannotConnect;
    }
});

return await CommandLineRunner.RunAsync(root, args);

static TimeSpan Duration(string text, string option) =>
    Durations.TryParse(text, out var value) ? value : throw new UsageException($"{option} \"{text}\" is not a duration such as 10s or 500ms");

static int Usage(string message)
{
    Console.Error.WriteLine($"usage error: {message}");
    return ExitCodes.BadUsage;
}

// At a terminal, shows a live status line while run works; elsewhere just runs it.
static async Task<T> WithProgress<T>(OutputKind output, string first, Func<Action<string>, Task<T>> run)
{
    if (output != OutputKind.Terminal)
        return await run(_ => { });
    return await AnsiConsole.Status().StartAsync(first, context => run(line => context.Status(Markup.Escape(line))));
}

internal sealed class UsageException(string message) : Exception(message);
