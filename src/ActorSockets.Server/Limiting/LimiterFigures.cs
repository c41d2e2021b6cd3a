using ActorSockets.Server.Diagnostics;
using ActorSockets.Server.Services;
using static ActorSockets.Server.Cluster.ClusterCountProtocol;
using static ActorSockets.Server.Sessions.SessionProtocol;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// What STATS shows and the meter counts, kept in one place so that the two never disagree: each is
/// counted before the client can hear of it (a client that has read <c>ERR busy</c> finds its
/// refusal in the figures).
/// </summary>
internal sealed class LimiterFigures(ServerMetrics metrics)
{
    /// <summary>Clients holding a place: admitted, not yet gone.</summary>
    public int Clients { get; private set; }

    public long Admitted { get; private set; }

    public long Refused { get; private set; }

    public long Timeouts { get; private set; }

    public long Crashes { get; private set; }

    public long Requests { get; private set; }

    public void ClientAdmitted()
    {
        Clients++;
        Admitted++;
        metrics.ClientAdmitted();
    }

    public void ClientRefused()
    {
        Refused++;
        metrics.ClientRefused();
    }

    public void SessionEnded(SessionEndReason reason)
    {
        Clients--;
        metrics.SessionEnded();
        switch (reason)
        {
            case SessionEndReason.Timeout:
                Timeouts++;
                metrics.SessionTimedOut();
                break;
            case SessionEndReason.Crashed:
                Crashes++;
                metrics.SessionCrashed();
                break;
        }
    }

    public void Served(long requests) => Requests += requests;

    /// <summary>This node's figures for the cluster's count, with <paramref name="clients"/> as the caller counts them.</summary>
    public NodeTotals Totals(int clients) => new(clients, Admitted, Refused, Timeouts, Crashes, Requests);

    public StatsSnapshot Stats(int limit) => new(Clients, limit, Admitted, Refused, Timeouts, Crashes, Requests);
}
