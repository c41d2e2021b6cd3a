using Akka.Actor;

namespace ActorSockets.Server.Chat;

/// <summary>
/// Reads the operator's lines from standard input on a background task and hands each to the
/// operator actor, so that no actor ever blocks on the console. When the input ends (a detached
/// server, stdin closed), <paramref name="gone"/> is cancelled, so new chats are refused at once,
/// and the operator ends the waiting ones.
/// </summary>
public static class ChatOperatorInput
{
    public static Task Start(TextReader input, IActorRef chatOperator, CancellationTokenSource gone, CancellationToken stop) => Task.Run(async () =>
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
        gone.Cancel();
        chatOperator.Tell(ChatProtocol.InputClosed.Instance);
    }, CancellationToken.None);
}
