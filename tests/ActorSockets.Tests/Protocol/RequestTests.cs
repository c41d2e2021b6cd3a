using System.Buffers;
using System.Text;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Requests;

namespace ActorSockets.Tests.Protocol;

public class RequestTests
{
    private static (RequestStatus Status, string Tag, string Body) Parse(byte[] line)
    {
        var status = Request.Parse(line, out var tag, out var body);
        return (status, Encoding.UTF8.GetString(tag), Encoding.UTF8.GetString(body));
    }

    private static (RequestStatus Status, string Tag, string Body) Parse(string line) => Parse(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void An_untagged_request_is_all_body() =>
        Assert.Equal((RequestStatus.Ok, "", "3 4"), Parse("3 4"));

    [Theory]
    [InlineData("@a 3 4", "a", "3 4")]
    [InlineData("@Z9_- PING", "Z9_-", "PING")]
    [InlineData("@abcdefghijklmnopqrstuvwxyz012345 x", "abcdefghijklmnopqrstuvwxyz012345", "x")]
    public void A_tag_is_split_from_its_body(string line, string tag, string body) =>
        Assert.Equal((RequestStatus.Ok, tag, body), Parse(line));

    [Theory]
    [InlineData("@ 3 4")]
    [InlineData("@")]
    [InlineData("@bad! 3 4")]
    [InlineData("@abcdefghijklmnopqrstuvwxyz0123456 x")]
    [InlineData("@é 1 2")]
    public void A_malformed_tag_is_refused(string line) =>
        Assert.Equal(RequestStatus.BadTag, Parse(line).Status);

    [Theory]
    [InlineData("@t")]
    [InlineData("@t ")]
    public void A_tag_with_nothing_after_it_keeps_its_tag(string line) =>
        Assert.Equal((RequestStatus.NothingAfterTag, "t", ""), Parse(line));

    [Fact]
    public void Invalid_utf8_is_reported_before_anything_else()
    {
        Assert.Equal(RequestStatus.InvalidUtf8, Parse([0x40, 0x74, 0x20, 0xff]).Status);
        Assert.Equal(RequestStatus.InvalidUtf8, Parse([0xc3]).Status);
        Assert.Equal(RequestStatus.Ok, Parse("é 1"u8.ToArray()).Status);
    }

    [Theory]
    [InlineData("PING", CommonCommand.Ping)]
    [InlineData("ping", CommonCommand.Ping)]
    [InlineData(" Help\t", CommonCommand.Help)]
    [InlineData("stats", CommonCommand.Stats)]
    [InlineData("QUIT", CommonCommand.Quit)]
    [InlineData("PINGS", CommonCommand.None)]
    [InlineData("PING 1", CommonCommand.None)]
    [InlineData("CRASH", CommonCommand.None)]
    public void Common_commands_are_recognised_in_any_case(string body, CommonCommand expected) =>
        Assert.Equal(expected, CommonCommands.Recognize(Encoding.UTF8.GetBytes(body), crashEnabled: false));

    [Fact]
    public void Crash_is_a_command_only_when_enabled() =>
        Assert.Equal(CommonCommand.Crash, CommonCommands.Recognize("crash"u8, crashEnabled: true));

    [Fact]
    public void Reply_lines_repeat_the_tag()
    {
        var output = new ArrayBufferWriter<byte>();
        Replies.WriteHelp(output, "t1"u8, ["a", "b"]);
        Assert.Equal("@t1 a\n@t1 b\n@t1 END\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void The_reply_collector_knows_where_a_reply_ends()
    {
        var help = new ReplyCollector("help");
        Assert.False(help.Add("a line"));
        Assert.True(help.Add("END"));
        Assert.True(new ReplyCollector("3 4").Add("7"));
        var failed = new ReplyCollector("HELP");
        Assert.True(failed.Add("ERR busy: clients limit 2 reached"));
        Assert.Equal(("c1", "7"), ReplyCollector.SplitTag("@c1 7"));
        Assert.Equal(("", "7"), ReplyCollector.SplitTag("7"));
    }
}
