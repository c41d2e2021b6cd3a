using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace ActorSockets.Tests.Support;

/// <summary>
/// Akka.Persistence's in-memory journal with switches for the faults of a real disk: writes that
/// fail (full or read-only), reads that fail (unreadable), and a journal that lost its events (the
/// database file replaced). Keyed by system name, so tests running side by side do not meet.
/// </summary>
public sealed class FailingMemoryJournal : MemoryJournal
{
    private static readonly ConcurrentDictionary<string, bool> Failing = new();
    private static readonly ConcurrentDictionary<string, bool> FailingReads = new();
    private static readonly ConcurrentDictionary<string, bool> WipeOnNextRead = new();

    public static void SetFailing(string systemName, bool failing) => Failing[systemName] = failing;

    public static void SetFailingReads(string systemName, bool failing) => FailingReads[systemName] = failing;

    /// <summary>The next recovery finds no events, as if the database had been replaced by an empty one.</summary>
    public static void LoseEverything(string systemName) => WipeOnNextRead[systemName] = true;

    public const string Hocon = """
        akka.persistence.journal.plugin = "akka.persistence.journal.failing"
        akka.persistence.journal.failing.class = "ActorSockets.Tests.Support.FailingMemoryJournal, ActorSockets.Tests"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken) =>
        Failing.GetValueOrDefault(Context.System.Name)
            ? Task.FromException<IImmutableList<Exception?>>(new IOException("disk full (test)"))
            : base.WriteMessagesAsync(messages, cancellationToken);

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        var system = Context.System.Name;
        if (FailingReads.GetValueOrDefault(system))
            return Task.FromException<long>(new IOException("unreadable sector (test)"));
        if (WipeOnNextRead.TryRemove(system, out var wipe) && wipe)
            Delete(persistenceId, long.MaxValue);
        return base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
    }
}
