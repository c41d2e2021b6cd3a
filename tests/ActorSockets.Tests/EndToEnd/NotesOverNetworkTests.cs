using System.Text;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Notes;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.EndToEnd;

/// <summary>The notes service (PROTOCOL.md section 4) on the real server, SQLite in a temp folder, over raw sockets.</summary>
public class NotesOverNetworkTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, int> Transports => SumOverNetworkTests.Transports;

    private string[] Sets(string transport, int ip, params string[] more) =>
    [
        "service=notes", $"transport={transport}", $"ip-version={ip}", "timeout=off",
        $"notes.sqlite-path={_folder.File("data/notes.db")}", .. more,
    ];

    /// <summary>Asks one request and returns its whole reply: TCP by its shape, UDP one datagram.</summary>
    private static async Task<string> AskAsync(object client, string request) => client switch
    {
        TcpTestClient tcp => await TcpReplyAsync(tcp, request),
        UdpTestClient udp => await udp.AskAsync(request) ?? throw new TimeoutException($"no reply to {request}"),
        _ => throw new ArgumentException("not a test client"),
    };

    private static async Task<string> TcpReplyAsync(TcpTestClient tcp, string request)
    {
        await tcp.SendAsync(request + "\n");
        var first = await tcp.ReadLineAsync() ?? throw new InvalidOperationException("closed");
        var reply = new StringBuilder(first);
        var (_, line) = ReplyCollector.SplitTag(first.TrimEnd('\n'));
        if (ReplyCollector.TryReadNotesHeader(line, out _, out var count))
        {
            for (var i = 0; i < count; i++)
                reply.Append(await tcp.ReadLineAsync());
        }
        return reply.ToString();
    }

    private static async Task<object> ConnectAsync(string transport, RunningServer server) => transport == "tcp"
        ? await TcpTestClient.ConnectAsync(server.EndPoint)
        : new UdpTestClient(server.EndPoint);

    private static async Task CloseAsync(object client)
    {
        if (client is TcpTestClient tcp)
            await tcp.DisposeAsync();
        else
            ((UdpTestClient)client).Dispose();
    }

    [Fact]
    public async Task A_note_too_large_for_any_udp_page_is_named_in_the_page_and_can_be_stepped_over()
    {
        var big = new string('b', 1500);
        await using (var tcp = await RunningServer.StartAsync(Sets("tcp", 4, "notes.max-note-bytes=2000")))
        {
            await using var writer = await TcpTestClient.ConnectAsync(tcp.EndPoint);
            Assert.Equal("OK 1\n", await writer.AskAsync("POST small"));
            Assert.Equal("OK 2\n", await writer.AskAsync("POST " + big));
            Assert.Equal("OK 3\n", await writer.AskAsync("POST after"));
        }
        await using var udp = await RunningServer.StartAsync(Sets("udp", 4));
        using var reader = new UdpTestClient(udp.EndPoint);
        Assert.Equal("NOTES 3 1\n1 small\nMORE 1\n", await reader.AskAsync("GET"));
        Assert.Equal("ERR too-long: note 2 (1500 bytes) does not fit in a 1232-byte datagram; read it over TCP, or GET 2 for the notes after it\n",
            await reader.AskAsync("GET 1"));
        Assert.Equal("NOTES 3 1\n3 after\n", await reader.AskAsync("GET 2"));
        Assert.Equal("PONG\n", await reader.AskAsync("PING")); // the session lives on
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Post_and_get_answer_exactly_as_the_protocol_says(string transport, int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets(transport, ip));
        var client = await ConnectAsync(transport, server);
        try
        {
            Assert.Equal("NOTES 0 0\n", await AskAsync(client, "GET"));
            Assert.Equal("OK 1\n", await AskAsync(client, "POST \"something\""));
            Assert.Equal("OK 2\n", await AskAsync(client, "post żółw 🐢 \"in\" quotes"));
            Assert.Equal("@t OK 3\n", await AskAsync(client, "@t POST  spaced "));
            Assert.Equal("NOTES 3 3\n1 something\n2 żółw 🐢 \"in\" quotes\n3  spaced \n", await AskAsync(client, "GET"));
            Assert.Equal("@g NOTES 3 1\n@g 3  spaced \n", await AskAsync(client, "@g GET 2"));
            Assert.Equal("NOTES 3 0\n", await AskAsync(client, "GET 3"));
            Assert.Equal("ERR syntax: empty note\n", await AskAsync(client, "POST \"\""));
            Assert.Equal("ERR too-long: note exceeds 1024 bytes\n", await AskAsync(client, "POST " + new string('x', 1025)));
            Assert.Equal("OK 4\n", await AskAsync(client, "POST \"" + new string('x', 1024) + "\""));
            Assert.Equal("ERR syntax: expected GET or POST <text>\n", await AskAsync(client, "PUT x"));
            Assert.Equal("ERR syntax: GET takes a whole number of 0 or more, e.g. GET 10\n", await AskAsync(client, "GET -1"));
        }
        finally
        {
            await CloseAsync(client);
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public async Task A_udp_note_holding_a_newline_is_refused(int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets("udp", ip));
        using var client = new UdpTestClient(server.EndPoint);
        Assert.Equal("ERR syntax: note must be one line\n", await client.AskAsync("POST two\nlines"));
        Assert.Equal("NOTES 0 0\n", await client.AskAsync("GET"));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public async Task Udp_pages_stay_within_the_datagram_are_filled_full_and_bring_every_note_in_order(int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets("udp", ip));
        using var client = new UdpTestClient(server.EndPoint);
        var random = new Random(7);
        var texts = Enumerable.Range(1, 300).Select(i => $"n{i} " + new string((char)('a' + i % 26), random.Next(1, 400))).ToList();
        for (var i = 0; i < texts.Count; i++)
            Assert.Equal($"OK {i + 1}\n", await client.AskReliablyAsync($"p{i}", "POST " + texts[i]));

        var received = new List<Note>();
        long after = 0;
        for (var page = 0; page < 400; page++)
        {
            var tag = $"g{page}";
            var datagram = await client.AskReliablyRawAsync(tag, $"GET {after}");
            var bytes = Encoding.UTF8.GetByteCount(datagram);
            Assert.True(bytes <= 1232, $"page of {bytes} bytes");
            var lines = datagram.TrimEnd('\n').Split('\n').ToList();
            Assert.All(lines, l => Assert.StartsWith($"@{tag} ", l));
            lines = lines.Select(l => l[(tag.Length + 2)..]).ToList();
            Assert.StartsWith("NOTES 300 ", lines[0]);
            var more = lines[^1].StartsWith("MORE ", StringComparison.Ordinal) ? lines[^1] : null;
            var notes = lines.Skip(1).Take(lines.Count - 1 - (more is null ? 0 : 1))
                .Select(l => new Note(long.Parse(l[..l.IndexOf(' ')], System.Globalization.CultureInfo.InvariantCulture), l[(l.IndexOf(' ') + 1)..]))
                .ToList();
            Assert.Equal($"NOTES 300 {notes.Count}", lines[0]);
            received.AddRange(notes);
            if (more is null)
                break;
            Assert.Equal($"MORE {notes[^1].Id}", more);
            // Full: the next note's line would not have fitted beside the MORE line.
            var next = texts[(int)notes[^1].Id];
            Assert.True(bytes + NotesReply.NoteLineBytes(tag.Length, new Note(notes[^1].Id + 1, next)) > 1232);
            after = notes[^1].Id;
        }
        Assert.Equal(texts.Select((t, i) => new Note(i + 1, t)), received);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public async Task A_tagged_post_retried_by_the_same_session_is_stored_once(int ip)
    {
        await using var server = await RunningServer.StartAsync(Sets("udp", ip));
        using var client = new UdpTestClient(server.EndPoint);
        Assert.Equal("@r1 OK 1\n", await client.AskAsync("@r1 POST once"));
        Assert.Equal("@r1 OK 1\n", await client.AskAsync("@r1 POST once"));
        Assert.Equal("@r1 OK 2\n", await client.AskAsync("@r1 POST other text, same tag")); // not a retry
        Assert.Equal("OK 3\n", await client.AskAsync("POST untagged"));
        Assert.Equal("OK 4\n", await client.AskAsync("POST untagged"));
        Assert.Equal("NOTES 4 4\n1 once\n2 other text, same tag\n3 untagged\n4 untagged\n", await client.AskAsync("GET"));
    }

    [Fact]
    public async Task A_board_wide_key_stores_one_note_from_any_session_over_either_transport_and_after_a_restart()
    {
        const string key = "@k3y-0f-16-or-more";
        await using (var tcp = await RunningServer.StartAsync(Sets("tcp", 4)))
        {
            await using var first = await TcpTestClient.ConnectAsync(tcp.EndPoint);
            await using var second = await TcpTestClient.ConnectAsync(tcp.EndPoint);
            Assert.Equal($"{key} OK 1\n", await first.AskAsync($"{key} POST stored once"));
            Assert.Equal($"{key} OK 1\n", await second.AskAsync($"{key} POST stored once")); // another session
            Assert.Equal($"{key} ERR conflict: tag already used for another note\n", await second.AskAsync($"{key} POST another text"));
            Assert.Equal("@short OK 2\n", await second.AskAsync("@short POST a short tag is no board-wide key"));
            Assert.Equal("@short OK 3\n", await first.AskAsync("@short POST a short tag is no board-wide key"));
        }
        await using var udp = await RunningServer.StartAsync(Sets("udp", 4)); // the same database, after a restart
        using var client = new UdpTestClient(udp.EndPoint);
        Assert.Equal($"{key} OK 1\n", await client.AskReliablyRawAsync(key[1..], "POST stored once"));
        Assert.Equal("@g NOTES 3 3\n@g 1 stored once\n@g 2 a short tag is no board-wide key\n@g 3 a short tag is no board-wide key\n",
            await client.AskReliablyRawAsync("g", "GET"));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task A_restarted_server_keeps_every_note_and_the_next_id(string transport)
    {
        await using (var first = await RunningServer.StartAsync(Sets(transport, 4)))
        {
            var client = await ConnectAsync(transport, first);
            Assert.Equal("OK 1\n", await AskAsync(client, "POST first"));
            Assert.Equal("OK 2\n", await AskAsync(client, "POST second ✓"));
            await CloseAsync(client);
        }
        await using var again = await RunningServer.StartAsync(Sets(transport, 4));
        var later = await ConnectAsync(transport, again);
        Assert.Equal("NOTES 2 2\n1 first\n2 second ✓\n", await AskAsync(later, "GET"));
        Assert.Equal("OK 3\n", await AskAsync(later, "POST third"));
        await CloseAsync(later);
    }

    [Fact]
    public async Task A_slow_reader_of_a_large_board_gets_it_all_and_stalls_no_one_else()
    {
        await using var server = await RunningServer.StartAsync("service=notes", "notes.store=memory", "timeout=off");
        const int notes = 3000;
        var text = new string('z', 1000);
        await using (var writer = await TcpTestClient.ConnectAsync(server.EndPoint))
        {
            await writer.SendAsync(string.Concat(Enumerable.Repeat($"POST {text}\n", notes)));
            for (var i = 1; i <= notes; i++)
                Assert.Equal($"OK {i}\n", await writer.ReadLineAsync());
        }

        await using var slow = await TcpTestClient.ConnectAsync(server.EndPoint);
        await slow.SendAsync("GET\n");
        // Only the header is read: some 3 MB stay unread behind it while the other client is served.
        Assert.Equal($"NOTES {notes} {notes}\n", await slow.ReadLineAsync());

        await using var other = await TcpTestClient.ConnectAsync(server.EndPoint);
        Assert.Equal($"OK {notes + 1}\n", await other.AskAsync("POST meanwhile"));
        Assert.Equal($"NOTES {notes + 1} 1\n{notes + 1} meanwhile\n", await TcpReplyAsync(other, $"GET {notes}"));

        for (var i = 1; i <= notes; i++)
            Assert.Equal($"{i} {text}\n", await slow.ReadLineAsync());
        Assert.Equal("PONG\n", await slow.AskAsync("PING")); // the board as it was at the GET, then the next reply
    }

    [Fact]
    public async Task A_full_board_says_so_and_gives_no_id()
    {
        await using var server = await RunningServer.StartAsync("service=notes", "notes.store=memory", "notes.max-notes=2");
        await using var client = await TcpTestClient.ConnectAsync(server.EndPoint);
        Assert.Equal("OK 1\n", await client.AskAsync("POST one"));
        Assert.Equal("OK 2\n", await client.AskAsync("POST two"));
        Assert.Equal("ERR storage: the board is full (2 notes, its notes.max-notes)\n", await client.AskAsync("POST three"));
        Assert.Equal("NOTES 2 2\n1 one\n2 two\n", await TcpReplyAsync(client, "GET"));
    }
}
