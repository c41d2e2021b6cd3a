using static ActorSockets.Server.Limiting.LimiterProtocol;

namespace ActorSockets.Server.Limiting;

/// <summary>What the limiter does with a newcomer.</summary>
public enum PlaceDecision
{
    /// <summary>A place is free: spawn its session.</summary>
    Admit,
    /// <summary>UDP at the cap: a session that sent one datagram and nothing since gives up its place to it.</summary>
    EvictSilentUdpSession,
    /// <summary>It waits a moment for a place being freed (it is in <see cref="LocalPlaces.Waiting"/>).</summary>
    Wait,
    /// <summary>No place: <c>ERR busy</c>.</summary>
    Refuse,
}

/// <summary>
/// The clients limit of a single server. A place is never refused while one is only about to be
/// freed: under churn, the close of a connection reaches the limiter a few messages after the next
/// client's arrival, so a newcomer over the cap waits a moment (<see cref="ServerTuning.PlaceWait"/>)
/// for a place before it is refused. Over UDP, where one spoofable datagram opens a session, a
/// newcomer over the cap takes the place of a silent session instead (docs/PROTOCOL-NOTES.md).
/// Plain state with the clock passed in; the limiter actor acts on its decisions.
/// </summary>
internal sealed class LocalPlaces(int limit)
{
    /// <summary>Newcomers over the cap, waiting a moment for a place, in arrival order.</summary>
    public DeadlineQueue<Admission> Waiting { get; } = new();

    /// <param name="hasSilentUdpSession">Asked only for a UDP newcomer at the cap.</param>
    public PlaceDecision Decide(Admission admit, int clients, Func<bool> hasSilentUdpSession, long nowMs)
    {
        if (clients < limit)
            return PlaceDecision.Admit;
        if (admit is AdmitUdpClient && hasSilentUdpSession())
            return PlaceDecision.EvictSilentUdpSession;
        if (Waiting.Count >= ServerTuning.MaxWaitingForPlace)
            return PlaceDecision.Refuse;
        Waiting.Add(admit, nowMs + (long)ServerTuning.PlaceWait.TotalMilliseconds);
        return PlaceDecision.Wait;
    }

    /// <summary>The waiting newcomers that have a place now that <paramref name="clients"/> hold one, longest waiting first.</summary>
    public List<Admission> TakeAdmissible(int clients)
    {
        var admissible = new List<Admission>();
        while (clients + admissible.Count < limit && Waiting.TryTakeFirst(out var admit))
            admissible.Add(admit);
        return admissible;
    }
}
