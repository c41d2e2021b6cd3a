using System.Text;
using ActorSockets.Server.Chat;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using static ActorSockets.Server.Chat.ChatProtocol;

namespace ActorSockets.Tests.Server.Chat;

/// <summary>The console responder's rules: who an operator's line goes to, and what it shows.</summary>
public class ChatOperatorSpecs(ITestOutputHelper output) : TestKit("akka.loglevel = INFO", output)
{
    /// <summary>The operator's screen, each line sent to a probe so that the test can wait for it.</summary>
    private sealed class ScreenProbe(IActorRef probe) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void WriteLine(string? value) => probe.Tell(value ?? "");
    }

    private (IActorRef Operator, TestProbe Screen) Start()
    {
        var screen = CreateTestProbe();
        return (Sys.ActorOf(ChatOperatorActor.Props(new ScreenProbe(screen.Ref))), screen);
    }

    [Fact]
    public void A_plain_line_answers_the_one_waiting_chat()
    {
        var (op, screen) = Start();
        var session = CreateTestProbe();
        op.Tell(new ClientSaid(4, "hello", session.Ref));
        screen.ExpectMsg("[#4] hello");
        op.Tell(new OperatorLine("hi there"));
        Assert.Equal("hi there", session.ExpectMsg<ServerSays>().Text);
        op.Tell(new OperatorLine("anyone?"));
        screen.ExpectMsg("(no chat is waiting for an answer)");
        session.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void With_several_waiting_the_operator_names_the_chat()
    {
        var (op, screen) = Start();
        var (one, two) = (CreateTestProbe(), CreateTestProbe());
        op.Tell(new ClientSaid(1, "a", one.Ref));
        op.Tell(new ClientSaid(2, "b", two.Ref));
        screen.ExpectMsg("[#1] a");
        screen.ExpectMsg("[#2] b");
        op.Tell(new OperatorLine("to whom?"));
        screen.ExpectMsg("(several chats are waiting: answer one with #n text; waiting: #1, #2)");
        op.Tell(new OperatorLine("#2 for two"));
        Assert.Equal("for two", two.ExpectMsg<ServerSays>().Text);
        op.Tell(new OperatorLine("#9 nobody"));
        screen.ExpectMsg("(no chat #9 is waiting for an answer; waiting: #1)");
        op.Tell(new OperatorLine("now plain goes to one"));
        Assert.Equal("now plain goes to one", one.ExpectMsg<ServerSays>().Text);
    }

    [Fact]
    public void A_chat_that_ends_while_waiting_is_forgotten()
    {
        var (op, screen) = Start();
        var session = CreateTestProbe();
        op.Tell(new ClientSaid(5, "bye soon", session.Ref));
        screen.ExpectMsg("[#5] bye soon");
        Sys.Stop(session.Ref);
        screen.ExpectMsg("(chat #5 ended before your answer)");
        op.Tell(new OperatorLine("too late"));
        screen.ExpectMsg("(no chat is waiting for an answer)");
    }
}
