using ActorSockets.Server.Notes;

namespace ActorSockets.Tests.Server.Notes;

/// <summary>
/// The board's texts (<see cref="AppendOnlyList{T}"/>): every version keeps what it held while later
/// ones grow over the same storage, across chunks, and a version added to twice forks without
/// changing the other branch.
/// </summary>
public sealed class AppendOnlyListTests
{
    [Fact]
    public void Each_version_keeps_its_items_while_later_versions_grow_past_chunk_ends()
    {
        var versions = new List<AppendOnlyList<int>> { AppendOnlyList<int>.Empty };
        for (var i = 0; i < 10_000; i++) // two chunk boundaries (4,096 items a chunk) and a grown chunk table
            versions.Add(versions[^1].Add(i));

        foreach (var count in (int[])[0, 1, 4095, 4096, 4097, 8193, 10_000])
        {
            Assert.Equal(count, versions[count].Count);
            Assert.Equal(Enumerable.Range(0, count), versions[count]);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => versions[4096][4096]);
        Assert.Throws<ArgumentOutOfRangeException>(() => versions[10][-1]);
    }

    [Fact]
    public void Adding_to_an_older_version_forks_it_and_leaves_the_newer_one_as_it_was()
    {
        var three = AppendOnlyList<string>.CreateRange(["a", "b", "c"]);
        var four = three.Add("d");

        var fork = three.Add("x").Add("y");
        var five = four.Add("e");

        Assert.Equal(["a", "b", "c", "x", "y"], fork);
        Assert.Equal(["a", "b", "c", "d", "e"], five);
        Assert.Equal(["a", "b", "c", "d"], four);
        Assert.Equal(["a", "b", "c"], three);
        Assert.Empty(AppendOnlyList<string>.Empty);
    }

    [Fact]
    public async Task A_version_read_on_another_thread_while_the_list_grows_reads_what_it_held()
    {
        var list = AppendOnlyList<long>.CreateRange(Enumerable.Range(0, 5000).Select(i => (long)i));
        var held = list;
        var reader = Task.Run(() =>
        {
            for (var round = 0; round < 200; round++)
                Assert.Equal(4999L * 5000 / 2, held.Sum());
        });
        for (var i = 5000; i < 200_000; i++)
            list = list.Add(i);
        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200_000, list.Count);
        Assert.Equal(199_999L, list[199_999]);
    }
}
