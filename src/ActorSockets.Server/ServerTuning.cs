namespace ActorSockets.Server;

/// <summary>
/// Every number the server is tuned with that is not a setting of PROTOCOL.md section 6, in one
/// place, each with its unit and why it is what it is. Settings are what a user chooses; these are
/// what we chose.
/// </summary>
public static class ServerTuning
{
    // ---- Sessions ----

    /// <summary>How long an answer from another actor (the notes store, the chat's crypto workers) may take before the client gets an error.</summary>
    public static readonly TimeSpan ServiceTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Requests that may wait behind an awaited answer: TCP stops reading there, UDP drops the rest. Count.</summary>
    public const int MaxWaitingRequests = 256;

    /// <summary>TCP: reply bytes in flight and not yet written above which reading is suspended. Bytes.</summary>
    public const int HighWaterBytes = 64 * 1024;

    /// <summary>TCP: how long an ending session waits for a client that does not read its last lines before it aborts.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);

    /// <summary>How often a session reports its request count to the limiter (for STATS), at most.</summary>
    public static readonly TimeSpan RequestReportInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the limiter looks for sessions whose timeouts are due: PROTOCOL.md section 2 drops an
    /// idle client within a second after its timeout, and a look is one message to each session due.
    /// </summary>
    public static readonly TimeSpan TimeoutSweepInterval = TimeSpan.FromMilliseconds(250);

    // ---- Limiter and listener ----

    /// <summary>
    /// UDP sessions come and go with single datagrams, forged ones too: per window, the first this
    /// many admissions and ends are logged a line each, the rest counted and logged as one line at
    /// the window's end, so that forged datagrams cannot turn a few bytes each into a log line each.
    /// </summary>
    public const int UdpLogLinesPerWindow = 20;

    /// <summary>The window of <see cref="UdpLogLinesPerWindow"/>.</summary>
    public static readonly TimeSpan UdpLogWindow = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a newcomer over the cap waits for a place being freed before ERR busy: long enough for
    /// a client that is leaving to be gone, so that churn near the cap is not refused (BENCHMARKS.md).
    /// </summary>
    public static readonly TimeSpan PlaceWait = TimeSpan.FromSeconds(1);

    /// <summary>Newcomers that may wait for a place at once; each is an idle Akka.IO connection. Count.</summary>
    public const int MaxWaitingForPlace = 1024;

    /// <summary>UDP: datagrams kept per new endpoint while the limiter decides; more are dropped, as UDP may. Count.</summary>
    public const int MaxPendingDatagrams = 16;

    // ---- Notes ----

    /// <summary>Tags a notes session remembers with their POSTs (PROTOCOL.md: at least 1024). Count.</summary>
    public const int RememberedTagsPerSession = 1024;

    /// <summary>A TCP GET streams the board in chunks of at most this many notes...</summary>
    public const int GetChunkNotes = 512;

    /// <summary>...and this many bytes of text, asking for the next once the client has taken the last. Bytes.</summary>
    public const int GetChunkBytes = 64 * 1024;

    /// <summary>Notes between snapshots: recovery replays at most about this many events (a snapshot holds the whole board). Count.</summary>
    public const int SnapshotEvery = 5000;

    /// <summary>While the store starts (recovering a large board takes a second or two), how long a request waits for it.</summary>
    public static readonly TimeSpan StoreWaitWhileStarting = TimeSpan.FromSeconds(5);

    /// <summary>Once storage is known to fail, how long a request waits for the store: the client hears why within about a second.</summary>
    public static readonly TimeSpan StoreWaitWhileFailing = TimeSpan.FromSeconds(1);

    /// <summary>The store's restart back-off: from this...</summary>
    public static readonly TimeSpan StoreMinRestartDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>...doubling up to this, and back to the first once a note is written.</summary>
    public static readonly TimeSpan StoreMaxRestartDelay = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Cluster mode: how often a store looks again for the database's lock while another process
    /// holds it. Fixed, not backed off: a paused or downed holder releases it at once when its process
    /// goes, and every moment after that is a moment without writes.
    /// </summary>
    public static readonly TimeSpan StoreLockRetry = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Cluster mode: how often a store that lost the cluster's majority looks whether it sees one
    /// again (it also asks before every note). Cheap: a look at this node's failure detector.
    /// </summary>
    public static readonly TimeSpan StoreMajorityCheck = TimeSpan.FromMilliseconds(250);

    /// <summary>Requests held while the store is down; more are answered at once. Count.</summary>
    public const int StoreMaxWaiting = 1024;

    /// <summary>How long after its board stops the store's supervisor still listens for requests coming back from its mailbox as dead letters.</summary>
    public static readonly TimeSpan StoreDeadLetterGrace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A note must reach the store this long before its session gives up on it (<see cref="ServiceTimeout"/>),
    /// or it is not stored: so that a note its client heard <c>ERR storage</c> for is, but for a write
    /// already under way at that moment, never stored after all (a proxy's buffer delivers late in cluster mode).
    /// </summary>
    public static readonly TimeSpan StoreDeadlineMargin = TimeSpan.FromSeconds(1);

    // ---- Cluster mode (PROTOCOL.md section 7) ----

    /// <summary>How often each node sends its figures to the cluster's count (its soft state, and STATS's figures of other nodes).</summary>
    public static readonly TimeSpan ClusterFiguresInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a note with a board-wide key waits for the store's answer before it is sent again (the
    /// store may have moved, and the copy sent to its old node is lost). A store answers in
    /// milliseconds, so a copy is rare; the shorter this, the sooner writes resume after a move.
    /// </summary>
    public static readonly TimeSpan ClusterStoreResend = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an admission waits for the cluster's count before the node decides on its own share of the limit.</summary>
    public static readonly TimeSpan ClusterCountWait = TimeSpan.FromSeconds(1);

    // ---- Shutdown: one budget, each step derived from the one before, so their order cannot break ----

    /// <summary>How long an ending client may take to read its last replies and BYE before it is reset.</summary>
    public static readonly TimeSpan ShutdownClientGrace = TimeSpan.FromSeconds(3);

    /// <summary>The limiter's wait for every session to stop: the clients' grace, and time to hear of it.</summary>
    public static readonly TimeSpan ShutdownSessionsWait = ShutdownClientGrace + TimeSpan.FromSeconds(1);

    /// <summary>Akka's <c>before-service-unbind</c> phase, which holds that wait: it must never cut it short.</summary>
    public static readonly TimeSpan ShutdownGoodbyePhase = ShutdownSessionsWait + TimeSpan.FromSeconds(1);

    /// <summary>Unbinding the listening socket.</summary>
    public static readonly TimeSpan ShutdownUnbind = TimeSpan.FromSeconds(2);

    /// <summary>Akka's <c>service-unbind</c> phase, which holds the unbind: a second more. With the goodbye phase, a SIGTERM takes 8 s at most.</summary>
    public static readonly TimeSpan ShutdownUnbindPhase = ShutdownUnbind + TimeSpan.FromSeconds(1);
}
