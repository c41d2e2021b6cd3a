using System.Net;
using System.Net.Sockets;

namespace ActorSockets.Tests.Support;

/// <summary>
/// Loopback TCP ports that a test must know before anything binds them: the cluster ports every node
/// lists as seeds, or a port where nothing listens. A server that can take port 0 does; these cannot.
/// </summary>
/// <remarks>
/// They are picked below the kernel's ephemeral range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>),
/// never from it. A port of that range that is free when looked at may become, before the node binds
/// it, the source port of any connection this machine makes: among them a node's own attempts to
/// reach the seeds that have not started yet. The node's bind then fails with "Address already in
/// use" (seen twice in about fifty runs of the cluster tests, once in a single test process), and a
/// connection to a port where nothing listens can even be answered by itself (TCP's simultaneous
/// open, when the kernel picks that very port as its source). No port is handed out twice in one run.
/// </remarks>
internal static class LoopbackPorts
{
    private const int Lowest = 10_000;
    private static readonly HashSet<int> HandedOut = [];

    /// <summary><paramref name="count"/> distinct ports that nothing listened on a moment ago.</summary>
    public static int[] Free(int count)
    {
        var highest = EphemeralRangeStart() - 1;
        var picked = new List<int>(count);
        lock (HandedOut)
        {
            for (var attempt = 0; picked.Count < count && attempt < 1_000; attempt++)
            {
                var port = Random.Shared.Next(Lowest, highest + 1);
                if (HandedOut.Contains(port) || !Bindable(port))
                    continue;
                HandedOut.Add(port);
                picked.Add(port);
            }
        }
        if (picked.Count < count)
            throw new InvalidOperationException($"found {picked.Count} of {count} free loopback ports between {Lowest} and {highest}");
        return [.. picked];
    }

    private static bool Bindable(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false; // something binds it: pick another
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>The first port the kernel may pick as a connection's source port (IANA's 49152 where it does not say).</summary>
    private static int EphemeralRangeStart()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        var start = File.Exists(Range) ? int.Parse(File.ReadAllText(Range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0]) : 49152;
        if (start <= Lowest + 1_000)
            throw new InvalidOperationException($"the ephemeral port range starts at {start} ({Range}): no room below it for the tests' fixed ports");
        return start;
    }
}
