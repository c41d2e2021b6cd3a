using Akka.Actor;
using Akka.Event;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Cluster;

/// <summary>
/// One board per cluster (PROTOCOL.md section 7), checked when a node joins: it asks the notes store,
/// wherever it runs, which board it serves (<see cref="AskBoard"/>, once a second until answered),
/// and compares it with the board this node's own database holds. The same: this node may hold the
/// store after it, and the check stops. Another: this node leaves the cluster and stops, with one
/// line naming both boards and exit code 3, before it could ever take the store over and serve its
/// own board in place of the cluster's (issue 19: two acknowledged notes vanished that way).
/// </summary>
public sealed class BoardCheckActor : ReceiveActor, IWithTimers
{
    private const string AskTimerKey = "ask-board";
    private static readonly TimeSpan AskEvery = TimeSpan.FromSeconds(1);

    public BoardCheckActor(IActorRef store, string ownIdentity, string databasePath)
    {
        var log = Context.GetLogger();
        Receive<AskAgain>(_ => store.Tell(new AskBoard(Self)));
        Receive<BoardIs>(board =>
        {
            if (board.Identity == ownIdentity)
            {
                log.Info("notes board {0}: this node's database holds the cluster's board", ownIdentity);
                Context.Stop(Self);
                return;
            }
            log.Error("this node's notes database {0} holds board {1}, but the cluster's board is {2} ({3} notes): " +
                "every node must use the cluster's database; leaving the cluster", databasePath, ownIdentity, board.Identity, board.Notes);
            CoordinatedShutdown.Get(Context.System).Run(AnotherBoard.Instance);
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer(AskTimerKey, AskAgain.Instance, TimeSpan.Zero, AskEvery);

    public static Props Props(IActorRef store, string ownIdentity, string databasePath) =>
        Akka.Actor.Props.Create(() => new BoardCheckActor(store, ownIdentity, databasePath));

    /// <summary>Why a node stopped: its database holds another board than the cluster's (exit code 3).</summary>
    public sealed class AnotherBoard : CoordinatedShutdown.Reason
    {
        public static readonly AnotherBoard Instance = new();
        private AnotherBoard() { }

        /// <summary>Akka does not end the process (exit-clr is off): the host returns <see cref="Protocol.ExitCodes.BadConfig"/>.</summary>
        public override int ExitCode => Protocol.ExitCodes.BadConfig;
    }

    private sealed class AskAgain
    {
        public static readonly AskAgain Instance = new();
        private AskAgain() { }
    }
}
