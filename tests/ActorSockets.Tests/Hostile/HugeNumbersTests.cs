using System.Net;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// Numbers at the edge of what a request may carry: <c>GET 9223372036854775807</c> is a valid
/// request (a whole number of 0 or more) and once crashed the notes store, and its supervisor with it,
/// so that one datagram a second from forged sources stopped every write. Now it is an empty page,
/// writes go on, and nothing of it reaches the log as a stack trace.
/// </summary>
public class HugeNumbersTests : IDisposable
{
    private const string LargestAfterId = "GET 9223372036854775807";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_largest_after_id_reads_an_empty_page_over_tcp_and_the_store_keeps_writing()
    {
        var (server, endPoint) = await StartNotesServerAsync("tcp");
        await using (server)
        {
            await using var client = await TcpTestClient.ConnectAsync(endPoint);
            await ServerProcess.WaitForNotesStoreAsync(() => client.AskAsync("GET"));
            Assert.Equal("OK 1\n", await client.AskAsync("POST before"));
            Assert.Equal("NOTES 1 0\n", await client.AskAsync(LargestAfterId));
            Assert.Equal("NOTES 1 0\n", await client.AskAsync("GET 9223372036854775806"));
            Assert.Equal("OK 2\n", await client.AskAsync("POST after"));
            Assert.Equal("ERR syntax: GET takes a whole number of 0 or more, e.g. GET 10\n", await client.AskAsync("GET 9223372036854775808"));

            AssertNoCrashIn(server.Stdout);
        }
    }

    [Fact]
    public async Task Forged_sources_sending_the_largest_after_id_over_udp_never_stop_a_post()
    {
        var (server, endPoint) = await StartNotesServerAsync("udp");
        await using (server)
        {
            using var writer = new UdpTestClient(endPoint);
            await ServerProcess.WaitForNotesStoreAsync(async () => await writer.AskReliablyAsync("g", "GET"));
            Assert.Equal("OK 1\n", await writer.AskReliablyAsync("w1", "POST before"));
            // Each forger is a new source port, as a spoofing attacker's datagrams would be.
            var forgers = Enumerable.Range(0, 20).Select(_ => new UdpTestClient(endPoint)).ToList();
            try
            {
                foreach (var forger in forgers)
                    await forger.SendAsync(LargestAfterId);
                // The writer's POST after the flood is answered OK at once, not ERR storage after the store's wait.
                Assert.Equal("OK 2\n", await writer.AskReliablyAsync("w2", "POST after"));
                // Each forger hears the board's count and no note: 1, or 2 if its GET was served after
                // the writer's second POST (the sessions run side by side; a run beside other work saw it).
                foreach (var forger in forgers)
                    Assert.Matches("^NOTES [12] 0\n$", await forger.ReceiveAsync() ?? "");
            }
            finally
            {
                forgers.ForEach(forger => forger.Dispose());
            }
            AssertNoCrashIn(server.Stdout);
        }
    }

    private static void AssertNoCrashIn(string log)
    {
        Assert.DoesNotContain("   at ", log); // no stack trace
        Assert.DoesNotContain("ERROR", log);
        Assert.DoesNotContain("notes storage failing", log);
    }

    private Task<(ProcessRunner Server, IPEndPoint EndPoint)> StartNotesServerAsync(string transport) =>
        ServerProcess.StartAsync("--port", "0", "--set", "service=notes", "--set", $"transport={transport}",
            "--set", $"notes.sqlite-path={_folder.File("notes.db")}", "--set", "timeout=off", "--set", "clients-limit=50");
}
