using System.Text;
using ActorSockets.Protocol.Framing;
using CsCheck;

namespace ActorSockets.Tests.Protocol;

public class LineDecoderTests
{
    private sealed class Collect : ILineSink
    {
        public List<string> Lines { get; } = [];
        public void OnLine(ReadOnlySpan<byte> line) => Lines.Add(Encoding.Latin1.GetString(line));
    }

    private static (List<string> Lines, bool Ok) Decode(int limit, params string[] chunks)
    {
        var decoder = new LineDecoder(limit);
        var sink = new Collect();
        var ok = true;
        foreach (var chunk in chunks)
        {
            ok = decoder.Feed(Encoding.Latin1.GetBytes(chunk), sink);
            if (!ok)
                break;
        }
        return (sink.Lines, ok);
    }

    [Fact]
    public void Lines_split_across_chunks_and_pipelined_in_one_chunk_come_out_whole_and_in_order()
    {
        var (lines, ok) = Decode(100, "3 ", "4\n1 1\n2", " 2\r", "\n");
        Assert.True(ok);
        Assert.Equal(["3 4", "1 1", "2 2"], lines);
    }

    [Fact]
    public void A_carriage_return_is_dropped_only_just_before_the_newline()
    {
        var (lines, _) = Decode(100, "a\rb\r\n\r\n\n");
        Assert.Equal(["a\rb", "", ""], lines);
    }

    [Fact]
    public void A_line_of_exactly_the_limit_passes_with_either_terminator()
    {
        var line = new string('x', 16);
        Assert.Equal([line, line], Decode(16, line + "\n" + line + "\r\n").Lines);
        Assert.Equal([line], Decode(16, line, "\r", "\n").Lines);
    }

    [Fact]
    public void A_line_over_the_limit_fails_after_the_lines_before_it()
    {
        var (lines, ok) = Decode(16, "ok\n" + new string('x', 17) + "\n");
        Assert.False(ok);
        Assert.Equal(["ok"], lines);
    }

    [Fact]
    public void An_unterminated_line_over_the_limit_fails_without_waiting_for_its_newline()
    {
        Assert.False(Decode(16, new string('x', 10), new string('x', 7)).Ok);
        // ... but a held '\r' right at limit + 1 may still be the start of "\r\n".
        Assert.True(Decode(16, new string('x', 16) + "\r").Ok);
        Assert.False(Decode(16, new string('x', 16) + "\r", "y").Ok);
    }

    [Fact]
    public void The_buffer_never_holds_more_than_the_limit_plus_one()
    {
        var decoder = new LineDecoder(16);
        var sink = new Collect();
        for (var i = 0; i < 17 && decoder.Feed("x"u8, sink); i++)
            Assert.True(decoder.BufferedBytes <= 17);
        Assert.False(decoder.Feed("x"u8, sink));
    }

    [Fact]
    public void The_unterminated_tail_is_handed_back_at_end_of_stream()
    {
        var decoder = new LineDecoder(100);
        var sink = new Collect();
        decoder.Feed("1 2\n3 4\r"u8, sink);
        Assert.Equal("3 4", Encoding.ASCII.GetString(decoder.TakeUnterminated()));
        Assert.True(decoder.TakeUnterminated().IsEmpty);
    }

    /// <summary>The same bytes split at every possible point (and in random pieces) decode alike.</summary>
    [Fact]
    public void Splitting_the_stream_anywhere_never_changes_the_lines()
    {
        var bytes = Gen.Char["ab \r\n"].Array[0, 60];
        var limit = Gen.Int[1, 12];
        Gen.Select(bytes, limit).Sample((chars, max) =>
        {
            var whole = new string(chars);
            var expected = Decode(max, whole);
            for (var cut = 0; cut <= whole.Length; cut++)
            {
                var split = Decode(max, whole[..cut], whole[cut..]);
                Assert.Equal(expected.Ok, split.Ok);
                Assert.Equal(expected.Lines, split.Lines);
            }
            var oneByOne = Decode(max, whole.Select(c => c.ToString()).ToArray());
            Assert.Equal(expected.Ok, oneByOne.Ok);
            Assert.Equal(expected.Lines, oneByOne.Lines);
        }, iter: 3000);
    }

    [Fact]
    public void A_datagram_loses_one_trailing_newline_or_crlf()
    {
        Assert.Equal("3 4", Encoding.ASCII.GetString(Datagram.RequestLine("3 4\r\n"u8)));
        Assert.Equal("3 4", Encoding.ASCII.GetString(Datagram.RequestLine("3 4\n"u8)));
        Assert.Equal("3 4\r", Encoding.ASCII.GetString(Datagram.RequestLine("3 4\r"u8)));
        Assert.True(Datagram.RequestLine("\n"u8).IsEmpty);
    }
}
