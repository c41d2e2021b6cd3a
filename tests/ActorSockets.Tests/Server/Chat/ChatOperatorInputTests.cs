using ActorSockets.Server.Chat;
using Akka.TestKit.Xunit2;

namespace ActorSockets.Tests.Server.Chat;

/// <summary>The operator's input, read off the actors' threads: its lines, its end, and its failure all reach the operator.</summary>
public sealed class ChatOperatorInputTests : TestKit
{
    /// <summary>Standard input that gives one line, then breaks (a terminal gone, a pipe torn down).</summary>
    private sealed class BreakingReader : TextReader
    {
        private bool _given;

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            if (_given)
                throw new IOException("Input/output error");
            _given = true;
            return ValueTask.FromResult<string?>("hello");
        }
    }

    [Fact]
    public async Task An_input_that_ends_closes_the_chats_after_its_lines()
    {
        using var gone = new CancellationTokenSource();
        await ChatOperatorInput.Start(new StringReader("first\nsecond\n"), TestActor, gone, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("first", ExpectMsg<ChatProtocol.OperatorLine>().Line);
        Assert.Equal("second", ExpectMsg<ChatProtocol.OperatorLine>().Line);
        Assert.Null(ExpectMsg<ChatProtocol.InputClosed>().Failure);
        Assert.True(gone.IsCancellationRequested);
    }

    [Fact]
    public async Task An_input_that_breaks_closes_the_chats_too_and_says_why()
    {
        using var gone = new CancellationTokenSource();
        await ChatOperatorInput.Start(new BreakingReader(), TestActor, gone, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("hello", ExpectMsg<ChatProtocol.OperatorLine>().Line);
        Assert.Equal("Input/output error", ExpectMsg<ChatProtocol.InputClosed>().Failure);
        Assert.True(gone.IsCancellationRequested); // new chats are refused at once
    }
}
