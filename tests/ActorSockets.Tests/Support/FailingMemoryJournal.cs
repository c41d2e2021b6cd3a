using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace ActorSockets.Tests.Support;

/// <summary>
/// Akka.Persistence's in-memory journal whose writes fail, as a full or broken disk would, while
/// its actor system's switch is on. Keyed by system name, so tests running side by side do not meet.
/// </summary>
public sealed class FailingMemoryJournal : MemoryJournal
{
    private static readonly ConcurrentDictionary<string, bool> Failing = new();

    public static void SetFailing(string systemName, bool failing) => Failing[systemName] = failing;

    public const string Hocon = """
        akka.persistence.journal.plugin = "akka.persistence.journal.failing"
        akka.persistence.journal.failing.class = "ActorSockets.Tests.Support.FailingMemoryJournal, ActorSockets.Tests"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken) =>
        Failing.GetValueOrDefault(Context.System.Name)
            ? Task.FromException<IImmutableList<Exception?>>(new IOException("disk full (test)"))
            : base.WriteMessagesAsync(messages, cancellationToken);
}
