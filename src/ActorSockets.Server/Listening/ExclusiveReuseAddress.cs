using System.Net.Sockets;
using Akka.IO;

namespace ActorSockets.Server.Listening;

/// <summary>
/// <c>SO_REUSEADDR</c> and nothing else, for the listening TCP socket: a server restarted at once
/// binds its port again while its last connections sit in TIME_WAIT, but a port another process
/// listens on is still refused. .NET's own <c>ReuseAddress</c> option (and Akka's
/// <see cref="Inet.SO.ReuseAddress"/>, which uses it) also sets <c>SO_REUSEPORT</c> on Linux and
/// macOS, which lets a second server share the port and take half of its connections (PROTOCOL.md
/// section 6: a port is never shared).
/// </summary>
public sealed class ExclusiveReuseAddress : Inet.SocketOption
{
    public static readonly ExclusiveReuseAddress Instance = new();

    private ExclusiveReuseAddress() { }

    public override void BeforeServerSocketBind(Socket s)
    {
        // Windows needs nothing for TIME_WAIT, and its SO_REUSEADDR would let another process take the port.
        if (OperatingSystem.IsLinux())
            s.SetRawSocketOption(SolSocketLinux, SoReuseAddrLinux, BitConverter.GetBytes(1));
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
            s.SetRawSocketOption(SolSocketBsd, SoReuseAddrBsd, BitConverter.GetBytes(1));
    }

    // <sys/socket.h> values: Linux and the BSDs (macOS included) number these differently.
    private const int SolSocketLinux = 1, SoReuseAddrLinux = 2;
    private const int SolSocketBsd = 0xffff, SoReuseAddrBsd = 4;
}
