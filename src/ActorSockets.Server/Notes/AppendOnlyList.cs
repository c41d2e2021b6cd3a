using System.Collections;

namespace ActorSockets.Server.Notes;

/// <summary>
/// An immutable list that grows at its end in constant time: each version is its items' count over
/// storage that versions share. Adding to the newest version writes past every older version's end,
/// so none of them changes; adding to an older one copies (the board never does: it only grows).
/// </summary>
/// <remarks>
/// Why not <see cref="System.Collections.Immutable.ImmutableList{T}"/>: it is a balanced tree, and an
/// <c>Add</c> copies the path to the new leaf, about twenty nodes on a board of a million notes:
/// a third of what a stored note allocated (BENCHMARKS.md), all of it left for the collector.
/// A version is read from other threads (a snapshot is serialized by the snapshot store's, and the
/// store's supervisor serves reads from the last version it was sent): items below its count are
/// written before the version exists, and storage chunks are never moved, only added.
/// </remarks>
public sealed class AppendOnlyList<T> : IReadOnlyList<T>
{
    /// <summary>Items a chunk holds: chunks are never copied, so a large list costs no large copy and no large-object heap.</summary>
    private const int ChunkSize = 4096;

    /// <summary>The empty list; its storage stays empty (nothing owns it), so the first <see cref="Add"/> makes a list its own.</summary>
    public static readonly AppendOnlyList<T> Empty = new(new Storage(), 0);

    private readonly Storage _storage;

    private AppendOnlyList(Storage storage, int count)
    {
        _storage = storage;
        Count = count;
    }

    public int Count { get; }

    public T this[int index] =>
        (uint)index < (uint)Count ? _storage.Chunks[index / ChunkSize][index % ChunkSize] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>This list and <paramref name="item"/> at its end; this list is unchanged.</summary>
    public AppendOnlyList<T> Add(T item)
    {
        // Only the newest version may write into the shared storage: it is the one whose end is the storage's.
        var storage = ReferenceEquals(Volatile.Read(ref _storage.Owner), this) ? _storage : CopyOf(this);
        storage.Write(Count, item);
        var added = new AppendOnlyList<T>(storage, Count + 1);
        Volatile.Write(ref storage.Owner, added);
        return added;
    }

    public static AppendOnlyList<T> CreateRange(IEnumerable<T> items)
    {
        var list = Empty;
        foreach (var item in items)
            list = list.Add(item);
        return list;
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static Storage CopyOf(AppendOnlyList<T> list)
    {
        var storage = new Storage();
        for (var i = 0; i < list.Count; i++)
            storage.Write(i, list[i]);
        return storage;
    }

    private sealed class Storage
    {
        /// <summary>The version whose end is this storage's end: the one allowed to add.</summary>
        public AppendOnlyList<T>? Owner;

        /// <summary>Replaced by a longer array when a chunk is added; the chunks themselves stay.</summary>
        public volatile T[][] Chunks = [];

        public void Write(int index, T item)
        {
            var chunk = index / ChunkSize;
            if (chunk == Chunks.Length)
            {
                var grown = new T[Math.Max(4, Chunks.Length * 2)][];
                Array.Copy(Chunks, grown, Chunks.Length);
                for (var i = Chunks.Length; i < grown.Length; i++)
                    grown[i] = [];
                Chunks = grown;
            }
            if (Chunks[chunk].Length == 0)
                Chunks[chunk] = new T[ChunkSize];
            Chunks[chunk][index % ChunkSize] = item;
        }
    }
}
