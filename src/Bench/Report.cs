using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace ActorSockets.Bench;

/// <summary>
/// Writes a result three ways: a Spectre.Console table at a terminal, a plain aligned table when
/// the output is a pipe or file, and JSON (<c>--json</c>) for scripts.
/// </summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Write(LoadResult r, OutputKind kind, TextWriter plainOut) => Write(kind, plainOut, r, [
        ("target", $"{r.Target} ({r.Transport})"),
        ("clients", $"{r.Clients}, pipeline {r.Pipeline}"),
        ("seconds", Number(r.Seconds)),
        ("replies", Number(r.Replies)),
        ("requests/s", Number(Math.Round(r.RequestsPerSecond))),
        ("latency p50 / p90 / p99 / p99.9 / max", $"{r.P50} / {r.P90} / {r.P99} / {r.P999} / {r.Max} us"),
        ("latency mean", $"{Number(r.Mean)} us"),
        ("errors", Count(r.Errors, r.FirstError)),
        ("wrong replies", Count(r.WrongReplies, r.FirstWrongReply is null ? null : $"first: \"{r.FirstWrongReply}\"")),
        ("lost replies (UDP)", Number(r.LostReplies)),
    ]);

    public static void Write(HoldResult r, OutputKind kind, TextWriter plainOut) => Write(kind, plainOut, r, [
        ("target", r.Target),
        ("connections asked / made / failed", $"{r.Requested} / {r.Connected} / {r.ConnectFailed}"),
        ("served the check request / wrong reply", $"{r.Served} / {r.WrongReplies}"),
        ($"after {Number(r.HeldSeconds)} s idle: kept / closed by the server", $"{r.StillOpen} / {r.ClosedByServer}"),
        ("server memory before / holding", r.ServerRssBeforeKiB is null ? "not read (give --server-pid)" : $"{Number(r.ServerRssBeforeKiB)} / {Number(r.ServerRssHoldingKiB)} KiB"),
        ("server memory per connection", r.ServerKiBPerConnection is { } each ? $"{Number(each)} KiB" : "-"),
        ("errors", Count(r.ConnectFailed, r.FirstError)),
    ]);

    private static void Write<T>(OutputKind kind, TextWriter plainOut, T result, (string Name, string Value)[] rows)
    {
        switch (kind)
        {
            case OutputKind.Json:
                plainOut.WriteLine(JsonSerializer.Serialize(result, Json));
                break;
            case OutputKind.Terminal:
                var table = new Table().AddColumn("measure").AddColumn("value");
                foreach (var (name, value) in rows)
                    table.AddRow(Markup.Escape(name), Markup.Escape(value));
                AnsiConsole.Write(table);
                break;
            default:
                var width = rows.Max(row => row.Name.Length);
                foreach (var (name, value) in rows)
                    plainOut.WriteLine($"{name.PadRight(width)}  {value}");
                break;
        }
    }

    private static string Number(double? value) => value?.ToString("#,0.##", CultureInfo.InvariantCulture) ?? "-";

    private static string Count(long count, string? first) => first is null || count == 0 ? Number(count) : $"{Number(count)} ({first})";
}

internal enum OutputKind { Plain, Terminal, Json }
