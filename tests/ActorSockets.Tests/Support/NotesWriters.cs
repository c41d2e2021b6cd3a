using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;

namespace ActorSockets.Tests.Support;

/// <summary>
/// Clients that POST notes to a cluster as our client does: one board-wide tag per note, and a note
/// not acknowledged (refused connection, <c>ERR storage</c>, no answer) retried with the same tag and
/// text through the next node until it is. Then the checks of PROTOCOL.md section 7: every node
/// serves the same board, ids without a gap, every acknowledged note on it, none stored twice.
/// </summary>
internal sealed partial class NotesWriters
{
    private readonly Func<IReadOnlyList<IPEndPoint>> _targets;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(120));
    private readonly string _prefix = Guid.NewGuid().ToString("N")[..12];
    private readonly List<Task> _writers;
    private int _next;
    private int _acknowledgedSinceMark;
    private long _firstSinceMarkTicks;

    /// <param name="targets">The nodes to write through now (a killed node is left out, or its connect fails).</param>
    public NotesWriters(Func<IReadOnlyList<IPEndPoint>> targets, int writers)
    {
        _targets = targets;
        _writers = [.. Enumerable.Range(1, writers).Select(WriteAsync)];
    }

    /// <summary>Tag → the id the server acknowledged and the text sent.</summary>
    public ConcurrentDictionary<string, (long Id, string Text)> Acknowledged { get; } = new();

    /// <summary>Notes acknowledged since <see cref="Mark"/>.</summary>
    public int AcknowledgedSinceMark => Volatile.Read(ref _acknowledgedSinceMark);

    /// <summary>When the first note since <see cref="Mark"/> was acknowledged (ticks of <see cref="DateTime.UtcNow"/>; 0 before).</summary>
    public DateTime? FirstAcknowledgedSinceMark => Interlocked.Read(ref _firstSinceMarkTicks) is var ticks and not 0 ? new DateTime(ticks, DateTimeKind.Utc) : null;

    public void Mark()
    {
        Interlocked.Exchange(ref _firstSinceMarkTicks, 0);
        Interlocked.Exchange(ref _acknowledgedSinceMark, 0);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
    }

    private async Task WriteAsync(int writer)
    {
        while (!_stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _next);
            var (tag, text) = ($"{_prefix}{n:D8}", $"note {n} by writer {writer}");
            for (var attempt = 0; !_stop.IsCancellationRequested; attempt++)
            {
                var targets = _targets();
                var reply = await TryPostAsync(targets[(n + attempt) % targets.Count], tag, text);
                if (reply is not null && OkLine().Match(reply) is { Success: true } ok)
                {
                    Acknowledged[tag] = (long.Parse(ok.Groups[1].Value), text);
                    Interlocked.CompareExchange(ref _firstSinceMarkTicks, DateTime.UtcNow.Ticks, 0);
                    Interlocked.Increment(ref _acknowledgedSinceMark);
                    break;
                }
                await Task.Delay(100);
            }
        }
    }

    private static async Task<string?> TryPostAsync(IPEndPoint node, string tag, string text)
    {
        try
        {
            await using var client = await TcpTestClient.ConnectAsync(node);
            return await client.AskAsync($"@{tag} POST {text}", TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or OperationCanceledException or InvalidOperationException)
        {
            return null; // the node is gone, closed mid-line, or did not answer in time: retried through the next one
        }
    }

    /// <summary>The whole board as one node serves it: id → text.</summary>
    public static async Task<Dictionary<long, string>> ReadBoardAsync(IPEndPoint node)
    {
        await using var client = await TcpTestClient.ConnectAsync(node);
        var header = await client.AskAsync("GET", TimeSpan.FromSeconds(15)) ?? throw new Xunit.Sdk.XunitException($"{node}: no GET reply");
        var count = int.Parse(header.TrimEnd('\n').Split(' ')[2]);
        var board = new Dictionary<long, string>();
        for (var i = 0; i < count; i++)
        {
            var line = (await client.ReadLineAsync() ?? throw new Xunit.Sdk.XunitException($"{node}: GET reply cut short")).TrimEnd('\n');
            var space = line.IndexOf(' ');
            board[long.Parse(line[..space])] = line[(space + 1)..];
        }
        return board;
    }

    /// <summary>Every node's board the same, ids 1, 2, 3, … without a gap, every acknowledged note on it, none twice.</summary>
    public async Task<Dictionary<long, string>> AssertBoardsHoldEveryNoteOnceAsync(IEnumerable<IPEndPoint> nodes)
    {
        var boards = new List<Dictionary<long, string>>();
        foreach (var node in nodes)
            boards.Add(await ReadBoardAsync(node));
        var board = boards[0];
        foreach (var other in boards.Skip(1))
            Assert.Equal(board, other);
        Assert.Equal(Enumerable.Range(1, board.Count).Select(id => (long)id), board.Keys.Order());
        foreach (var (tag, (id, text)) in Acknowledged)
            Assert.True(board.TryGetValue(id, out var stored) && stored == text, $"acknowledged note {id} ({tag}: {text}) is not on the board as acknowledged");
        var twice = board.Values.GroupBy(text => text).Where(group => group.Count() > 1).Select(group => group.Key).ToList();
        Assert.True(twice.Count == 0, $"stored twice: {string.Join(", ", twice)}");
        return board;
    }

    [GeneratedRegex(@"^@\S+ OK (\d+)\n?$")]
    private static partial Regex OkLine();
}
