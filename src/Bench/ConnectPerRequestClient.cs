using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ActorSockets.Bench;

/// <summary>
/// One TCP load client that opens a new connection for every request, as the course's first
/// clients do: connect, send the request and <c>QUIT</c>, read the reply and <c>BYE quit</c> until
/// the server closes, close. Latency is timed from the connect, so it holds the handshake's cost.
/// The server closes first, so its side keeps the TIME_WAIT and this machine's ports are not used up.
/// </summary>
internal sealed class ConnectPerRequestClient(LoadPlan plan, ClientTally tally) : ILoadClient
{
    private static readonly byte[] Quit = "QUIT\n"u8.ToArray();
    private readonly byte[] _expect = Encoding.UTF8.GetBytes(plan.ExpectPrefix);
    private readonly byte[] _request = [.. plan.Request, .. Quit];

    /// <summary>Nothing to open ahead: every request opens its own connection.</summary>
    public Task ConnectAsync(CancellationToken cancel) => Task.CompletedTask;

    public async Task RunAsync(long stopAt, CancellationToken giveUp)
    {
        var buffer = new byte[4096];
        try
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var started = Stopwatch.GetTimestamp();
                using var socket = new Socket(plan.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(plan.Target, giveUp);
                await socket.SendAsync(_request, SocketFlags.None, giveUp);
                var received = 0;
                while (true)
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, giveUp);
                    if (read == 0)
                        break;
                    received = Math.Min(received + read, buffer.Length - 1);
                }
                var reply = buffer.AsSpan(0, received);
                var end = reply.IndexOf((byte)'\n');
                if (end < 0)
                {
                    tally.Error("the server closed before it replied");
                    continue;
                }
                tally.Reply(started);
                if (!reply[..end].StartsWith(_expect))
                    tally.WrongReply(Encoding.UTF8.GetString(reply[..end]));
            }
        }
        catch (OperationCanceledException)
        {
            tally.Error("no reply before the run ended");
        }
        catch (SocketException e)
        {
            tally.Error($"connection failed: {e.SocketErrorCode}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
