namespace ActorSockets.Tests.Support;

/// <summary>A folder of its own for one test (a notes database), deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("actor-sockets-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process killed in the test may still be letting go of the database; the OS cleans /tmp.
        }
    }
}
