using ActorSockets.Server.Cluster;
using static ActorSockets.Server.Limiting.LimiterProtocol;
using static ActorSockets.Server.Sessions.SessionProtocol;

namespace ActorSockets.Server.Limiting;

/// <summary>
/// The limiter's cluster half: the cluster's count's answers and figures (<see cref="ClusterPlaces"/>
/// keeps the reservations), and the even-share fallback while the count cannot be reached.
/// </summary>
public sealed partial class LimiterActor
{
    /// <summary>Cluster mode: reports this node's figures to the count at once, then every second.</summary>
    protected override void PreStart()
    {
        if (_clusterCount is null)
            return;
        _cluster = new ClusterPlaces(_clusterCount, Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString(), Self);
        _cluster.Report(MyTotals());
        Timers.StartPeriodicTimer(FiguresTimerKey, ReportFigures.Instance, ServerTuning.ClusterFiguresInterval);
    }

    /// <summary>The cluster's count's answers and figures, and this node's timers for them.</summary>
    private bool OnClusterMessage(object message)
    {
        if (_cluster is null)
            return false;
        switch (message)
        {
            case ClusterCountProtocol.PlaceReserved reserved:
                OnCountAnswer(reserved.Reservation, granted: true, _ => PlaceDecision.Admit);
                return true;
            case ClusterCountProtocol.PlaceDenied denied:
                OnCountAnswer(denied.Reservation, granted: false, admit => ClusterPlaces.OverLimit(admit, HasSilentUdpSession));
                return true;
            case ClusterCountProtocol.CountNotReady notReady:
                OnCountAnswer(notReady.Reservation, granted: false, DecideOnShare);
                return true;
            case CountWaitExpired:
                foreach (var admit in _cluster.TakeOverdue(Now))
                    Act(admit, DecideOnShare(admit));
                ArmCountWait();
                return true;
            case ReportFigures:
                _cluster.Report(MyTotals());
                return true;
            case ClusterCountProtocol.ClusterFigures figures:
                _cluster.Heard(figures, Now);
                return true;
            default:
                return false;
        }
    }

    private PlaceDecision DecideOnShare(Admission admit) =>
        ClusterPlaces.DecideOnShare(admit, _figures.Clients, Limit, NodesUp(), HasSilentUdpSession);

    /// <summary>The count answered a reservation: decide the admission, or give back a place granted too late.</summary>
    private void OnCountAnswer(long reservation, bool granted, Func<Admission, PlaceDecision> decide)
    {
        var admit = _cluster!.Answered(reservation, Now);
        if (admit is null || Stopping)
        {
            if (granted)
                _cluster.Release();
            if (admit is not null)
                Refuse(admit);
            return;
        }
        Act(admit, decide(admit));
    }

    private void ArmCountWait()
    {
        if (_cluster is not null)
            Timers.ArmForEarliest(CountWaitTimerKey, CountWaitExpired.Instance, _cluster.Waiting, Now);
    }

    private int NodesUp() => Akka.Cluster.Cluster.Get(Context.System).State.Members.Count(member => member.Status == Akka.Cluster.MemberStatus.Up);

    /// <summary>What this node reports to the cluster's count: its clients and the places it is still asking for.</summary>
    private ClusterCountProtocol.NodeTotals MyTotals() => _figures.Totals(_figures.Clients + (_cluster?.Waiting.Count ?? 0));

    /// <summary>STATS in cluster mode: the cluster's figures (the others' as last reported) and the nodes up.</summary>
    private StatsSnapshot ClusterStats(ClusterPlaces cluster)
    {
        var all = cluster.Others().Plus(_figures.Totals(_figures.Clients));
        return new StatsSnapshot(all.Clients, Limit, all.Admitted, all.Refused, all.Timeouts, all.Crashes, all.Requests, NodesUp());
    }
}
