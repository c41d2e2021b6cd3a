using System.Net;
using System.Text;
using ActorSockets.Server.Limiting;
using ActorSockets.Server.Sessions;

namespace ActorSockets.Tests.Server.Limiting;

public class UdpTallyTests
{
    [Fact]
    public void A_window_logs_its_first_lines_then_counts_and_sums_up_once()
    {
        var tally = new UdpTally(linesPerWindow: 2);
        Assert.True(tally.ShouldLog(UdpTally.Admitted));
        Assert.True(tally.ShouldLog(UdpTally.Admitted));
        Assert.False(tally.ShouldLog(UdpTally.Admitted));
        Assert.False(tally.ShouldLog(UdpTally.Evicted));
        Assert.False(tally.ShouldLog(UdpTally.Admitted));
        Assert.Equal("more sessions than logged: 2 admitted, 1 evicted", tally.TakeSummary());
        Assert.True(tally.ShouldLog(UdpTally.Ended)); // a new window logs again
        Assert.Null(tally.TakeSummary());
    }
}

public class UdpCookieTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Loopback, 40000);

    [Fact]
    public void A_cookie_is_the_endpoints_own_and_proves_only_as_a_tags_start()
    {
        var cookie = UdpCookie.For(Client);
        Assert.Matches("^[A-Za-z0-9_-]{12}$", cookie);
        Assert.Equal(cookie, UdpCookie.For(new IPEndPoint(IPAddress.Loopback, 40000)));
        Assert.NotEqual(cookie, UdpCookie.For(new IPEndPoint(IPAddress.Loopback, 40001)));
        Assert.True(UdpCookie.Proves(Encoding.ASCII.GetBytes($"@{cookie}-1 PING"), cookie));
        Assert.False(UdpCookie.Proves(Encoding.ASCII.GetBytes($"{cookie} PING"), cookie));
        Assert.False(UdpCookie.Proves(Encoding.ASCII.GetBytes("@short PING"), cookie));
        Assert.False(UdpCookie.Proves(Encoding.ASCII.GetBytes($"@{UdpCookie.For(new IPEndPoint(IPAddress.Loopback, 40001))} PING"), cookie));
    }
}
