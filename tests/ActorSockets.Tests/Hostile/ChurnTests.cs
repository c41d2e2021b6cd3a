using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Hostile;

/// <summary>
/// A leaving client's place is free at once (PROTOCOL.md section 2): clients that connect, send one
/// request and close, a few at a time, never make the server refuse anyone while fewer than the
/// limit are connected; and a refused client that half-closes at once still reads why.
/// </summary>
public class ChurnTests
{
    [Fact]
    public async Task Clients_that_connect_send_and_close_at_once_never_get_a_newcomer_refused()
    {
        await using var server = await RunningServer.StartAsync("clients-limit=20", "timeout=off");
        var churners = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(server.EndPoint);
                await socket.SendAsync("3 4\n"u8.ToArray(), SocketFlags.None);
            } // closed without reading: the reply meets a closed socket
        })).ToList();
        var newcomerReplies = new List<string?>();
        while (!churners.All(task => task.IsCompleted) && newcomerReplies.Count < 200)
        {
            await using var newcomer = await TcpTestClient.ConnectAsync(server.EndPoint);
            newcomerReplies.Add(await newcomer.AskAsync("1 2"));
        }
        await Task.WhenAll(churners);

        Assert.NotEmpty(newcomerReplies);
        Assert.All(newcomerReplies, reply => Assert.Equal("3\n", reply));
        await using var observer = await TcpTestClient.ConnectAsync(server.EndPoint);
        Assert.Matches(@"^STATS clients=\d+/20 admitted=\d+ refused=0 ", await observer.AskAsync("STATS"));
    }

    [Fact]
    public async Task A_refused_client_that_half_closes_at_once_still_reads_err_busy()
    {
        await using var server = await RunningServer.StartAsync("clients-limit=1", "timeout=off");
        await using var holder = await TcpTestClient.ConnectAsync(server.EndPoint);
        Assert.Equal("PONG\n", await holder.AskAsync("PING"));
        // Ten at a time (each refusal comes after the short wait for a place), 60 in all.
        for (var round = 0; round < 6; round++)
        {
            var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => SendHalfCloseAndReadAll(server.EndPoint)));
            Assert.All(replies, reply => Assert.Equal("ERR busy: clients limit 1 reached\n", reply));
        }
    }

    /// <summary>As <c>printf '3 4\n' | nc -N</c>: send, shut the sending side, read until the server closes.</summary>
    private static async Task<string> SendHalfCloseAndReadAll(IPEndPoint server)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server);
        await socket.SendAsync("3 4\n"u8.ToArray(), SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[256];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
                received.Write(buffer, 0, n);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return $"reset after: {Encoding.UTF8.GetString(received.ToArray())}";
        }
        return Encoding.UTF8.GetString(received.ToArray());
    }
}
