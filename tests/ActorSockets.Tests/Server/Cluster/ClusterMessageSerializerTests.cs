using System.Text.Json;
using ActorSockets.Protocol.Notes;
using ActorSockets.Server;
using ActorSockets.Server.Cluster;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Cluster.ClusterCountProtocol;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Tests.Server.Cluster;

/// <summary>
/// Messages between nodes under our serializer: each survives the trip; no .NET type name is on the
/// wire; a deadline travels as the time left, so two nodes' clocks need not agree; and the bytes this
/// build wrote (Fixtures/cluster-messages-v1.json) are still read, so a node of the next build
/// understands this one during a rolling upgrade.
/// </summary>
public class ClusterMessageSerializerTests(ITestOutputHelper output)
    : TestKit(ClusterMessageSerializer.Hocon.WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING")), "ActorSockets", output)
{
    private const string FixtureFile = "cluster-messages-v1.json";
    private static readonly NodeTotals Totals = new(2, 10, 1, 3, 0, 480);

    /// <summary>One message of every kind, with the values the fixture holds.</summary>
    private IReadOnlyList<object> Samples(IActorRef replyTo) =>
    [
        new StoreNote("a note", replyTo, 7, "key-0123456789abcdef", null),
        new NoteStored(42, 7),
        new NoteNotStored("store unavailable, retry", 7),
        new NoteConflict(7),
        new GetNotes(10, 0, 64, 65536, replyTo, 8),
        new NotesNotRead("store unavailable, retry", 8),
        new NotesChunk(3, 2, [new Note(2, "two"), new Note(3, "three ü")], 8),
        new AskBoard(replyTo),
        new BoardIs("0123456789abcdef0123456789abcdef", 2),
        new ReservePlace("akka.tcp://ActorSockets@127.0.0.1:4053", 5, replyTo),
        new PlaceReserved(5),
        new PlaceDenied(5),
        new CountNotReady(5),
        new PlaceReleased("akka.tcp://ActorSockets@127.0.0.1:4053"),
        new NodeFigures("akka.tcp://ActorSockets@127.0.0.1:4053", Totals, replyTo),
        new ClusterFigures(new Dictionary<string, NodeTotals> { ["akka.tcp://ActorSockets@127.0.0.1:4053"] = Totals }),
    ];

    private SerializerWithStringManifest Serializer => (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(NoteStored));

    [Fact]
    public void Every_cluster_message_uses_our_serializer_and_survives_the_trip_without_type_names()
    {
        Assert.IsType<ClusterMessageSerializer>(Serializer);
        var samples = Samples(TestActor);
        Assert.Equal(ClusterMessageSerializer.AllManifests.Order(), samples.Select(Serializer.Manifest).Order());
        foreach (var message in samples)
        {
            var bytes = Serializer.ToBinary(message);
            Assert.DoesNotContain("ActorSockets.Server", System.Text.Encoding.UTF8.GetString(bytes));
            AssertSame(message, Serializer.FromBinary(bytes, Serializer.Manifest(message)));
        }
    }

    [Fact]
    public void Every_message_type_marked_for_the_cluster_has_a_manifest()
    {
        var marked = typeof(IClusterMessage).Assembly.GetTypes()
            .Where(type => typeof(IClusterMessage).IsAssignableFrom(type) && !type.IsInterface).ToList();
        Assert.Equal(ClusterMessageSerializer.AllManifests.Count, marked.Count);
        var samples = Samples(TestActor);
        Assert.All(marked, type => Assert.Contains(samples, sample => sample.GetType() == type));
    }

    [Fact]
    public void A_deadline_travels_as_time_left_and_is_read_on_the_receiving_nodes_own_clock()
    {
        // The receiving node's monotonic clock reads five minutes more than this one's, as another
        // machine's would (it booted earlier): the note still has its nine seconds there.
        using var later = ActorSystem.Create("ActorSockets", ClusterMessageSerializer.Hocon
            .WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("actor-sockets.testing.clock-offset-ms = 300000\nakka.loglevel = WARNING")));
        var here = NodeClock.Of(Sys);
        var there = NodeClock.Of(later);
        Assert.InRange(there.NowMs - here.NowMs, 299_000, 301_000);

        var bytes = Serializer.ToBinary(new StoreNote("x", TestActor, 1, null, here.In(TimeSpan.FromSeconds(9))));
        using var json = JsonDocument.Parse(bytes);
        Assert.InRange(json.RootElement.GetProperty("time-left-ms").GetDouble(), 8000, 9000);
        var serializer = (SerializerWithStringManifest)later.Serialization.FindSerializerForType(typeof(StoreNote));
        var read = (StoreNote)serializer.FromBinary(bytes, "store-note/1");
        Assert.InRange(read.NotAfterMs!.Value - there.NowMs, 8000, 9000);
    }

    [Fact]
    public void Bytes_written_by_the_first_build_are_still_read()
    {
        var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", FixtureFile))).RootElement;
        // The fixture was written with an actor at /user/session-1 as every reply-to.
        var samples = Samples(Sys.ActorOf(Props.Empty, "session-1")).ToDictionary(Serializer.Manifest);
        foreach (var manifest in ClusterMessageSerializer.AllManifests)
        {
            Assert.True(fixture.TryGetProperty(manifest, out var base64), $"no fixture for {manifest}: add this build's bytes for it");
            AssertSame(samples[manifest], Serializer.FromBinary(Convert.FromBase64String(base64.GetString()!), manifest), refsByPath: true);
        }
    }

    /// <summary>Records compare their lists by reference; this compares what they hold.</summary>
    private static void AssertSame(object expected, object actual, bool refsByPath = false)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        switch (expected)
        {
            case NotesChunk chunk:
                var read = (NotesChunk)actual;
                Assert.Equal((chunk.Total, chunk.Remaining, chunk.Correlation), (read.Total, read.Remaining, read.Correlation));
                Assert.Equal(chunk.Notes, read.Notes);
                break;
            case ClusterFigures figures:
                Assert.Equal(figures.Nodes, ((ClusterFigures)actual).Nodes);
                break;
            case StoreNote or GetNotes or ReservePlace or NodeFigures or AskBoard when refsByPath:
                // The fixture's refs are paths of the system that wrote them: the same path, another incarnation.
                Assert.Equal(Strip(expected.ToString()!), Strip(actual.ToString()!));
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }

    private static string Strip(string text) => System.Text.RegularExpressions.Regex.Replace(text, "#-?[0-9]+", "");
}
