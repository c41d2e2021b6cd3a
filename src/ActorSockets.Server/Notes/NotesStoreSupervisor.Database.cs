using ActorSockets.Protocol;

namespace ActorSockets.Server.Notes;

/// <summary>What the supervisor asks of the database before a board starts: its file is still there, and its lock is held.</summary>
public sealed partial class NotesStoreSupervisor
{
    /// <summary>Whether a board may start on the database now; if not, the log says why and it looks again soon.</summary>
    private bool DatabaseReady()
    {
        if (_database?.FileLost() is { } lost)
        {
            // Never a fresh board in its place (its connections would make one): the notes it held
            // would be gone and their ids handed out again. Back where it was, it serves again.
            LookAgainSoon(lost);
            return false;
        }
        return HoldsDatabase();
    }

    /// <summary>Cluster mode: takes the database's lock unless this store holds it; false (and a look again soon) while another process does.</summary>
    private bool HoldsDatabase()
    {
        if (_database is not { IsShared: true } || _ownership is not null)
            return true;
        try
        {
            _ownership = _database.Claim();
            return true;
        }
        catch (Protocol.Settings.SettingsException e)
        {
            // Another process still writes the journal (a node the cluster has just downed, say):
            // two writers would hand out the same ids, so wait for it to let go. The log names the
            // file and its holder; a client learns only what it can act on, and no server path.
            LookAgainSoon(e.Message);
            return false;
        }
    }

    /// <summary>
    /// The store cannot start for a reason outside it (the database's lock, its file, the cluster's
    /// board): the log says why, clients hear only that storage is unavailable, and it looks again
    /// at a fixed interval (the lock, say, is free the moment its holder's process is gone), not
    /// after a back-off grown while waiting.
    /// </summary>
    private void LookAgainSoon(string reason)
    {
        OnFailing(reason, Replies.StoreUnavailable);
        Timers.StartSingleTimer(RestartTimerKey, RestartStore.Instance, ServerTuning.StoreLockRetry);
    }
}
