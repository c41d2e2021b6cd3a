using System.Text;
using ActorSockets.Server.Sessions;

namespace ActorSockets.Tests.Server.Sessions;

/// <summary>The session's reply bytes: whole however they grow, and no array kept once the transport has taken them.</summary>
public sealed class ReplyBufferTests
{
    private static void Write(ReplyBuffer buffer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }

    [Fact]
    public void What_is_written_stays_whole_while_the_buffer_grows()
    {
        var buffer = new ReplyBuffer();
        var lines = Enumerable.Range(0, 200).Select(i => $"line {i} of a reply that outgrows its first array\n").ToList();
        foreach (var line in lines)
            Write(buffer, line);
        Assert.Equal(string.Concat(lines), Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(lines.Sum(l => l.Length), buffer.WrittenCount);
    }

    [Fact]
    public void Cleared_it_is_empty_holds_no_array_and_takes_writes_again()
    {
        var buffer = new ReplyBuffer();
        Write(buffer, "7\n");
        buffer.Clear();
        Assert.Equal(0, buffer.WrittenCount);
        Assert.True(buffer.WrittenSpan.IsEmpty);
        Write(buffer, "PONG\n");
        Assert.Equal("PONG\n", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void A_size_hint_is_honoured_and_advancing_past_the_room_given_is_refused()
    {
        var buffer = new ReplyBuffer();
        Assert.True(buffer.GetMemory(10_000).Length >= 10_000);
        var room = buffer.GetSpan().Length;
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(room + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(-1));
    }
}
