namespace ActorSockets.Server.Notes;

/// <summary>The supervisor's messages: from the singleton manager, from its board, and its own timers'.</summary>
public sealed partial class NotesStoreSupervisor
{
    /// <summary>The cluster singleton's termination message: finish what is being written, then stop.</summary>
    public sealed class HandOver
    {
        public static readonly HandOver Instance = new();
        private HandOver() { }
    }

    /// <summary>Recovery is complete: the store serves, holding <paramref name="Board"/>.</summary>
    internal sealed record StoreReady(NotesBoard Board);

    /// <summary>The journal failed; the store stops after saying so.</summary>
    internal sealed record StoreFailed(string Reason);

    /// <summary>The store's first note since it started is durable: storage works.</summary>
    internal sealed class StoreWrote
    {
        public static readonly StoreWrote Instance = new();
        private StoreWrote() { }
    }

    /// <summary>The store stopped; the board it held, every note on it durable.</summary>
    internal sealed record StoreStopped(NotesBoard Board);

    private sealed class RestartStore { public static readonly RestartStore Instance = new(); }

    private sealed class ExpireWaiting { public static readonly ExpireWaiting Instance = new(); }

    private sealed class CheckMajority { public static readonly CheckMajority Instance = new(); }

    private sealed class ForgetDeadLetters { public static readonly ForgetDeadLetters Instance = new(); }
}
