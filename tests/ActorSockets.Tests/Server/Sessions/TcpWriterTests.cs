using System.Buffers;
using System.Text;
using ActorSockets.Server;
using ActorSockets.Server.Sessions;
using Akka.IO;

namespace ActorSockets.Tests.Server.Sessions;

/// <summary>The TCP write side as plain state: the commands it gives, collected in a list (no actor system).</summary>
public class TcpWriterTests
{
    private sealed class Ack : Tcp.Event;

    private readonly List<Tcp.Command> _sent = [];
    private readonly ReplyBuffer _outgoing = new();
    private readonly TcpWriter _writer;

    public TcpWriterTests() => _writer = new TcpWriter(_sent.Add, new Ack());

    private void Gather(string text) => _outgoing.Write(Encoding.UTF8.GetBytes(text));

    private string Written(int index) => ((Tcp.Write)_sent[index]).Data.ToString(Encoding.UTF8);

    [Fact]
    public void One_write_is_in_flight_and_what_gathers_meanwhile_leaves_in_the_next()
    {
        Gather("1\n");
        Assert.False(_writer.Flush(_outgoing));
        Gather("2\n");
        Gather("3\n");
        Assert.False(_writer.Flush(_outgoing)); // still in flight: nothing more goes out
        Assert.Single(_sent);
        _writer.Acknowledged();
        Assert.False(_writer.Flush(_outgoing));
        Assert.Equal(["1\n", "2\n3\n"], [Written(0), Written(1)]);
        Assert.IsType<Ack>(((Tcp.Write)_sent[1]).Ack);
    }

    [Fact]
    public void A_write_not_taken_for_the_bound_is_stalled_and_an_acknowledged_one_never_is()
    {
        long now = 1000;
        var writer = new TcpWriter(_sent.Add, new Ack(), () => now);
        var bound = TimeSpan.FromSeconds(2);
        Assert.False(writer.IsStalled(bound));
        Assert.Equal(long.MaxValue, writer.StallDueMs(bound)); // nothing in flight: nothing to watch

        Gather("x\n");
        writer.Flush(_outgoing);
        now += 1500;
        Assert.False(writer.IsStalled(bound));
        Assert.Equal(3000, writer.StallDueMs(bound)); // handed over at 1000, bound 2 s

        writer.Acknowledged(); // progress
        Gather("y\n");
        writer.Flush(_outgoing);
        now += 1999;
        Assert.False(writer.IsStalled(bound)); // the bound runs from the last progress
        now += 1;
        Assert.True(writer.IsStalled(bound));
    }

    [Fact]
    public void Flush_says_writable_only_when_nothing_is_in_flight_or_waiting()
    {
        Assert.True(_writer.Flush(_outgoing));
        Gather("x\n");
        Assert.False(_writer.Flush(_outgoing));
        Assert.False(_writer.Flush(_outgoing));
        _writer.Acknowledged();
        Assert.True(_writer.Flush(_outgoing));
    }

    [Fact]
    public void Reading_is_suspended_above_the_high_water_or_the_waiting_bound_and_resumed_below()
    {
        _writer.ThrottleReading(ServerTuning.HighWaterBytes, 0);
        Assert.Empty(_sent);
        _writer.ThrottleReading(ServerTuning.HighWaterBytes + 1, 0);
        _writer.ThrottleReading(ServerTuning.HighWaterBytes + 2, 0); // said once
        _writer.ThrottleReading(0, 0);
        _writer.ThrottleReading(0, ServerTuning.MaxWaitingRequests);
        Assert.Equal([Tcp.SuspendReading.Instance, Tcp.ResumeReading.Instance, Tcp.SuspendReading.Instance], _sent);
    }

    [Fact]
    public void The_close_waits_for_the_write_in_flight_and_is_sent_once()
    {
        Gather("BYE quit\n");
        _writer.Flush(_outgoing);
        _writer.CloseWhenWritten(halfClose: false);
        Assert.Single(_sent); // the write only
        _writer.Acknowledged();
        _writer.CloseWhenWritten(halfClose: false);
        _writer.CloseWhenWritten(halfClose: false);
        Assert.Equal(Tcp.Close.Instance, Assert.Single(_sent.Skip(1)));
    }

    [Fact]
    public void Stopping_half_closes_so_the_client_reads_to_the_end()
    {
        _writer.CloseWhenWritten(halfClose: true);
        Assert.Equal(Tcp.ConfirmedClose.Instance, Assert.Single(_sent));
    }

    [Fact]
    public void Draining_before_the_close_resumes_reading_only_if_it_was_suspended()
    {
        _writer.DrainBeforeClosing();
        Assert.Empty(_sent);
        _writer.ThrottleReading(0, ServerTuning.MaxWaitingRequests);
        _writer.DrainBeforeClosing();
        Assert.Equal([Tcp.SuspendReading.Instance, Tcp.ResumeReading.Instance], _sent);
    }
}
