using System.Buffers;
using System.Text;
using ActorSockets.Protocol.Notes;
using ActorSockets.Protocol.Settings;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Protocol;

public class NotesProtocolTests
{
    private static NotesRequest Parse(string body, int max = 1024) => NotesRequest.Parse(Encoding.UTF8.GetBytes(body), max);

    [Theory]
    [InlineData("POST hello", "hello")]
    [InlineData("post \"something\"", "something")]
    [InlineData("POST \"a\" b\"", "a\" b")]
    [InlineData("POST \"", "\"")]
    [InlineData("POST  two spaces kept ", " two spaces kept ")]
    [InlineData("POST żółw 🐢", "żółw 🐢")]
    public void Post_keeps_the_note_byte_for_byte_less_one_pair_of_enclosing_quotes(string body, string note) =>
        Assert.Equal(new NotesRequest.Post(note), Parse(body));

    [Theory]
    [InlineData("POST", NotesRequest.EmptyNote)]
    [InlineData("POST ", NotesRequest.EmptyNote)]
    [InlineData("POST \"\"", NotesRequest.EmptyNote)]
    [InlineData("POST a\nb", NotesRequest.NotOneLine)]
    [InlineData("POST a\rb", NotesRequest.NotOneLine)]
    [InlineData("POSTER x", NotesRequest.SyntaxError)]
    [InlineData("DELETE 1", NotesRequest.SyntaxError)]
    [InlineData("GET -1", NotesRequest.BadAfterId)]
    [InlineData("GET x", NotesRequest.BadAfterId)]
    [InlineData("GET 99999999999999999999", NotesRequest.BadAfterId)]
    public void Bad_requests_get_their_error_line(string body, string error) =>
        Assert.Equal(new NotesRequest.Invalid(error), Parse(body));

    [Fact]
    public void A_note_is_measured_after_its_quotes_are_removed()
    {
        Assert.Equal(new NotesRequest.Post("12345"), Parse("POST \"12345\"", max: 5));
        Assert.Equal(new NotesRequest.Invalid("ERR too-long: note exceeds 5 bytes"), Parse("POST 123456", max: 5));
        Assert.Equal(new NotesRequest.Invalid("ERR too-long: note exceeds 5 bytes"), Parse("POST żółw", max: 5)); // 7 bytes
    }

    [Theory]
    [InlineData("GET", 0)]
    [InlineData("get 12", 12)]
    [InlineData("GET  7 ", 7)]
    public void Get_takes_an_optional_after_id(string body, long after) =>
        Assert.Equal(new NotesRequest.Get(after), Parse(body));

    [Fact]
    public void A_page_is_filled_as_full_as_it_can_be_and_never_exceeds_the_datagram()
    {
        var notes = Enumerable.Range(1, 300).Select(i => new Note(i, new string('n', i % 50 + 1))).ToList();
        foreach (var max in new[] { 200, 512, 1232 })
        {
            foreach (var tag in new[] { "", "t", new string('x', 32) })
            {
                var fit = NotesReply.FitPage(tag.Length, notes.Count, notes, notes.Count, max);
                Assert.InRange(fit, 1, notes.Count - 1);
                Assert.True(Page(tag, notes, fit, withMore: true).Length <= max);
                // one more note would not have fitted
                Assert.True(Page(tag, notes, fit + 1, withMore: true).Length > max);
            }
        }
    }

    [Fact]
    public void The_last_page_has_no_more_line()
    {
        var notes = new List<Note> { new(1, "a"), new(2, "b") };
        Assert.Equal(2, NotesReply.FitPage(0, 2, notes, 2, 64));
    }

    private static byte[] Page(string tag, List<Note> notes, int count, bool withMore)
    {
        var output = new ArrayBufferWriter<byte>();
        var t = Encoding.ASCII.GetBytes(tag);
        ActorSockets.Protocol.Replies.WriteLine(output, t, NotesReply.Header(notes.Count, count));
        foreach (var note in notes.Take(count))
            NotesReply.WriteNote(output, t, note);
        if (withMore)
            ActorSockets.Protocol.Replies.WriteLine(output, t, NotesReply.More(notes[count - 1].Id));
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_note_limit_that_could_not_fit_a_udp_page_is_a_config_error()
    {
        Assert.Equal(1056, TestSettings.Create("service=notes", "transport=udp", "notes.max-note-bytes=1056").NotesMaxNoteBytes);
        var error = Assert.Throws<SettingsException>(() =>
            TestSettings.Create("service=notes", "transport=udp", "notes.max-note-bytes=1057")).Message;
        Assert.Contains("actor-sockets.notes.max-note-bytes = \"1057\"", error);
        // over TCP there are no pages
        Assert.Equal(100000, TestSettings.Create("service=notes", "notes.max-note-bytes=100000").NotesMaxNoteBytes);
    }
}
