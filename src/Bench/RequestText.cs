using System.Text;
using ActorSockets.Protocol.Settings;

namespace ActorSockets.Bench;

/// <summary>
/// The request and expected reply as typed on a command line, where <c>\n</c>, <c>\r</c>, <c>\t</c> and
/// <c>\\</c> stand for the bytes (so <c>'PING\r\n'</c> drives Redis); and the defaults for our services.
/// </summary>
internal static class RequestText
{
    public static string Unescape(string typed)
    {
        var text = new StringBuilder(typed.Length);
        for (var i = 0; i < typed.Length; i++)
        {
            if (typed[i] != '\\' || i + 1 == typed.Length)
            {
                text.Append(typed[i]);
                continue;
            }
            i++;
            text.Append(typed[i] switch
            {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                '\\' => '\\',
                var other => throw new FormatException($"\\{other} is not an escape this tool knows (\\n, \\r, \\t, \\\\)"),
            });
        }
        return text.ToString();
    }

    /// <summary>
    /// The bytes to send. A TCP request is a line, so one without a terminator gets <c>\n</c>, as a
    /// user typing it into netcat would send; a UDP request is the datagram as given.
    /// </summary>
    public static byte[] RequestBytes(string request, Transport transport) =>
        Encoding.UTF8.GetBytes(transport == Transport.Tcp && !request.EndsWith('\n') ? request + "\n" : request);

    /// <summary>A request our server answers whatever its service, and what it answers.</summary>
    public static (string Request, string Expect) DefaultFor(ServiceKind service) => service switch
    {
        ServiceKind.Sum => ("3 4", "7"),
        _ => ("PING", "PONG"),
    };
}
