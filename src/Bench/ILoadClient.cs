namespace ActorSockets.Bench;

/// <summary>One simulated client of a load run, over TCP or UDP.</summary>
internal interface ILoadClient : IAsyncDisposable
{
    Task ConnectAsync(CancellationToken cancel);

    /// <summary>Sends and times requests until <paramref name="stopAt"/> (a Stopwatch timestamp); gives up on <paramref name="giveUp"/>.</summary>
    Task RunAsync(long stopAt, CancellationToken giveUp);
}
