using Akka.Actor;

namespace ActorSockets.Server.Chat;

/// <summary>
/// Reads the operator's lines from standard input on a background task and hands each to the
/// operator actor, so that no actor ever blocks on the console.
/// </summary>
public static class ChatOperatorInput
{
    public static Task Start(TextReader input, IActorRef chatOperator, CancellationToken stop) => Task.Run(async () =>
    {
        try
        {
            while (await input.ReadLineAsync(stop) is { } line)
                chatOperator.Tell(new ChatProtocol.OperatorLine(line));
        }
        catch (OperationCanceledException)
        {
            return; // the server is stopping
        }
        chatOperator.Tell(ChatProtocol.InputClosed.Instance);
    }, CancellationToken.None);
}
