using System.Net;
using System.Net.Sockets;

namespace ActorSockets.Server.Listening;

/// <summary>
/// UDP reply rate limiting per source network, after DNS's answer to reflection (BIND's response
/// rate limiting). A UDP source address can be forged, so a small request can make the server send
/// a large reply to a third party (a 3-byte GET draws a page of 1232 bytes). Each source network (a
/// /24 for IPv4, a /56 for IPv6: what one site holds) gets a budget of reply bytes per second, with
/// one second of burst; replies beyond it are dropped, and every <see cref="SlipEvery"/>th dropped
/// one is replaced by a short line telling a real client to slow down or use TCP, if the budget
/// still holds that line (a slip is a reply too, and counts). A real client
/// retries a dropped request (ours does) and gets its answer once the budget refills.
/// </summary>
/// <remarks>Plain state, owned by the UDP listener actor: no locks.</remarks>
public sealed class ReplyRateLimiter(int bytesPerSecond)
{
    /// <summary>One dropped reply in this many is replaced by the short slow-down line.</summary>
    public const int SlipEvery = 4;
    /// <summary>Networks remembered at most; idle ones are forgotten first (a full budget needs no memory).</summary>
    private const int MaxNetworks = 100_000;

    private readonly Dictionary<UInt128, Budget> _budgets = [];

    public enum Decision { Send, Drop, Slip }

    /// <summary>
    /// Whether a reply of <paramref name="bytes"/> to <paramref name="target"/> may go at <paramref name="nowMs"/>,
    /// or, dropped, be replaced by the slow-down line of <paramref name="slipBytes"/>.
    /// </summary>
    public Decision Check(EndPoint target, int bytes, long nowMs, int slipBytes)
    {
        var network = NetworkOf(target);
        if (!_budgets.TryGetValue(network, out var budget))
        {
            if (_budgets.Count >= MaxNetworks)
                ForgetRefilled(nowMs);
            budget = new Budget { Tokens = bytesPerSecond, LastMs = nowMs };
            _budgets[network] = budget;
        }
        budget.Tokens = Math.Min(bytesPerSecond, budget.Tokens + (nowMs - budget.LastMs) * bytesPerSecond / 1000.0);
        budget.LastMs = nowMs;
        if (budget.Tokens >= bytes)
        {
            budget.Tokens -= bytes;
            return Decision.Send;
        }
        if (++budget.Dropped % SlipEvery != 0 || budget.Tokens < slipBytes)
            return Decision.Drop;
        budget.Tokens -= slipBytes;
        return Decision.Slip;
    }

    /// <summary>The source network of an address: its first 24 bits (IPv4, IPv4-mapped IPv6 too) or 56 bits (IPv6).</summary>
    internal static UInt128 NetworkOf(EndPoint endPoint)
    {
        var address = ((IPEndPoint)endPoint).Address;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        var prefix = address.AddressFamily == AddressFamily.InterNetwork ? 3 : 7;
        UInt128 key = (UInt128)(address.AddressFamily == AddressFamily.InterNetwork ? 4 : 6) << 120;
        for (var i = 0; i < prefix && i < length; i++)
            key |= (UInt128)bytes[i] << (8 * (14 - i));
        return key;
    }

    private void ForgetRefilled(long nowMs)
    {
        foreach (var (network, budget) in _budgets)
        {
            if (nowMs - budget.LastMs >= 1000)
                _budgets.Remove(network); // a full budget again: nothing to remember
        }
        if (_budgets.Count >= MaxNetworks)
            _budgets.Clear(); // a flood of fresh networks: start afresh rather than grow
    }

    private sealed class Budget
    {
        public double Tokens;
        public long LastMs;
        public int Dropped;
    }
}
