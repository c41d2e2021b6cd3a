using Microsoft.Win32.SafeHandles;

namespace ActorSockets.Server.Notes;

/// <summary>
/// A file held open by its path, to ask whether the path still names it: a database deleted, moved
/// or replaced under the running server goes on taking writes through the handles open on it, which
/// nobody reads again. In SQLite's rollback-journal mode SQLite refused such a write itself; in
/// write-ahead-log mode it does not, so the notes journal asks this after every commit, and the
/// store's supervisor before it starts a board.
/// </summary>
internal sealed class HeldFile : IDisposable
{
    /// <summary>What a write to a lost database answers (never the path: clients must not learn it).</summary>
    public const string LostReason = "the notes database file was deleted or replaced while the server ran";

    private readonly string _path;
    private readonly SafeFileHandle _handle;
    /// <summary>Linux names an open file's current path here, with " (deleted)" once it is gone.</summary>
    private readonly string _descriptor;

    public HeldFile(string path)
    {
        _path = path;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _descriptor = $"/proc/self/fd/{_handle.DangerousGetHandle()}";
    }

    /// <summary>Whether the path still names the file opened (where /proc is missing: whether the path names a file at all).</summary>
    public bool StillNamed() =>
        new FileInfo(_descriptor).LinkTarget is { } target ? target == _path : File.Exists(_path);

    public void Dispose() => _handle.Dispose();
}
