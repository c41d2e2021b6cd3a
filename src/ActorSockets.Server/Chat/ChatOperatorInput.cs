using Akka.Actor;

namespace ActorSockets.Server.Chat;

/// <summary>
/// Reads the operator's lines from standard input on a background task and hands each to the
/// operator actor, so that no actor ever blocks on the console. When the input ends (a detached
/// server, stdin closed) or fails to be read, <c>gone</c> is cancelled, so new chats
/// are refused at once, and the operator ends the waiting ones (and says why, for a failure).
/// </summary>
public static class ChatOperatorInput
{
    public static Task Start(TextReader input, IActorRef chatOperator, CancellationTokenSource gone, CancellationToken stop) => Task.Run(async () =>
    {
        string? failure = null;
        try
        {
            while (await input.ReadLineAsync(stop) is { } line)
                chatOperator.Tell(new ChatProtocol.OperatorLine(line));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return; // the server is stopping
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            // The input broke rather than ended: the same for the chats (no answer can come), and said.
            failure = e.Message;
        }
        gone.Cancel();
        chatOperator.Tell(new ChatProtocol.InputClosed(failure));
    }, CancellationToken.None);
}
