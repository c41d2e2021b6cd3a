using System.Net.Sockets;
using System.Text;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// Clients that hold a place without ever making a request (a line trickled byte by byte, blank
/// lines as keep-alives) are dropped after the idle timeout like idle ones, so they cannot lock
/// everyone else out (PROTOCOL.md section 2: what counts as activity); and clients that ask for a
/// long reply and never read it are dropped once no write has gone through for the idle timeout.
/// </summary>
public class SlowClientTests
{
    [Theory]
    [InlineData("x")]
    [InlineData("\n")]
    public async Task Clients_that_trickle_without_a_request_are_timed_out_and_a_newcomer_gets_in(string trickle)
    {
        // A newcomer over the limit waits a second for a place before ERR busy; the idle timeout is
        // longer, so that the early one below hears ERR busy before the trickling two can time out.
        await using var server = await RunningServer.StartAsync("clients-limit=2", "timeout=2s");
        var slow = new[] { await TcpTestClient.ConnectAsync(server.EndPoint), await TcpTestClient.ConnectAsync(server.EndPoint) };
        try
        {
            // Admitted for sure (accept order is not connect order), then nothing but the trickle.
            foreach (var client in slow)
                Assert.Equal("PONG\n", await client.AskAsync("PING"));
            await using (var early = await TcpTestClient.ConnectAsync(server.EndPoint))
                Assert.StartsWith("ERR busy", await early.ReadLineAsync());

            // Trickle for up to five timeouts; both must be dropped in the middle of it. Blank lines get
            // no reply, so the first line each reads is the BYE.
            var byes = slow.Select(client => client.ReadLineAsync(TimeSpan.FromSeconds(15))).ToArray();
            for (var round = 0; round < 50 && !byes.All(bye => bye.IsCompleted); round++)
            {
                for (var i = 0; i < slow.Length; i++)
                {
                    if (!byes[i].IsCompleted)
                        await slow[i].SendAsync(trickle);
                }
                await Task.Delay(200);
            }
            Assert.All(byes, bye => Assert.True(bye.IsCompletedSuccessfully, "still served after five timeouts of trickling"));
            Assert.All(byes, bye => Assert.Equal("BYE timeout: idle for 2s\n", bye.Result));

            await using var newcomer = await TcpTestClient.ConnectAsync(server.EndPoint);
            Assert.Equal("7\n", await newcomer.AskAsync("3 4"));
        }
        finally
        {
            foreach (var client in slow)
                await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Clients_that_ask_for_a_long_reply_and_never_read_it_lose_their_place_after_the_timeout()
    {
        // While a long reply is written the idle clock waits (the server owes the client); a client
        // whose receive window stays shut must still not keep its place for ever.
        await using var server = await RunningServer.StartAsync("service=notes", "notes.store=memory", "clients-limit=3", "timeout=2s");
        await using (var writer = await TcpTestClient.ConnectAsync(server.EndPoint))
        {
            const int notes = 3000; // 3 MB: far more than the kernel's buffers hold
            var note = new string('n', 1000);
            await writer.SendAsync(string.Concat(Enumerable.Repeat($"POST {note}\n", notes)));
            for (var i = 1; i <= notes; i++)
                Assert.Equal($"OK {i}\n", await writer.ReadLineAsync());
        }

        var neverReaders = new List<Socket>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                neverReaders.Add(socket);
                await socket.ConnectAsync(server.EndPoint);
                await socket.SendAsync(Encoding.ASCII.GetBytes("GET\n"));
            }
            await using var observer = await TcpTestClient.ConnectAsync(server.EndPoint);
            // Both are dropped within a few timeouts (the bound here is a liveness bound, not the goal).
            string? stats = null;
            for (var attempt = 0; attempt < 100; attempt++)
            {
                stats = await observer.AskAsync("STATS");
                if (stats!.Contains("clients=1/3") && stats.Contains("timeouts=2"))
                    break;
                await Task.Delay(200);
            }
            Assert.Contains("clients=1/3", stats);
            Assert.Contains("timeouts=2", stats);
        }
        finally
        {
            neverReaders.ForEach(socket => socket.Dispose());
        }
    }
}
