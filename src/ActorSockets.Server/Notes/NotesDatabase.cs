using System.Globalization;
using ActorSockets.Protocol.Settings;

namespace ActorSockets.Server.Notes;

/// <summary>
/// The SQLite file of the note board, checked and owned before the server binds: one server per
/// database. Two stores writing one journal hand out the same ids to different notes, so a second
/// server pointed at a database in use is refused at start, and so is a file that is not a
/// database or cannot be opened (rather than a server that answers every request with an error).
/// </summary>
/// <remarks>
/// Ownership is an exclusive OS lock (<c>flock</c> on Linux, through .NET's <see cref="FileShare.None"/>)
/// on a lock file beside the database, holding the owner's process id for the message. It is the
/// kernel's: a server killed with SIGKILL releases it with its process, so no stale lock is left to
/// clear by hand. SQLite's own locks guard single transactions, not a whole server's life.
/// </remarks>
public sealed partial class NotesDatabase : IDisposable
{
    private const string Key = "actor-sockets.notes.sqlite-path";
    private readonly FileStream? _lock;
    /// <summary>The database file itself, held open for the server's life so that <see cref="FileLost"/> can see whether its path still names it.</summary>
    private readonly HeldFile _file;

    private NotesDatabase(string path, FileStream? ownership, string boardIdentity)
    {
        Path = path;
        _lock = ownership;
        BoardIdentity = boardIdentity;
        _file = new HeldFile(path);
    }

    /// <summary>
    /// Whether the journal writes to this file: set by the host once it knows the journal's settings
    /// (a config file may put the journal in PostgreSQL, and the file then holds no note).
    /// </summary>
    public bool HoldsJournal { get; set; } = true;

    /// <summary>Whether the journal <paramref name="akka"/> configures (ours or Akka.Persistence.Sql's) is on this file.</summary>
    public bool IsJournalIn(Akka.Configuration.Config akka) =>
        akka.GetString("akka.persistence.journal.plugin", "") is { Length: > 0 } plugin &&
        akka.GetString($"{plugin}.connection-string", "") == ConnectionString;

    /// <summary>Cluster mode: the lock goes with the store, to whichever node runs it (<see cref="Claim"/>).</summary>
    public bool IsShared => _lock is null;

    /// <summary>The database file, as a full path.</summary>
    public string Path { get; }

    /// <summary>
    /// The identity of the board this database holds, made when the database was first prepared and
    /// kept in it (table <c>actor_sockets_board</c>): a cluster serves one board, and a node whose
    /// database holds another must not serve it (PROTOCOL.md section 7).
    /// </summary>
    public string BoardIdentity { get; }

    public string ConnectionString => $"Data Source={Path}";

    /// <summary>
    /// Makes the folder if missing, takes ownership, and opens the file once to see that it is a
    /// SQLite database (or can become one). Throws <see cref="SettingsException"/> with the one line to show.
    /// </summary>
    public static NotesDatabase Open(string configuredPath)
    {
        var path = MakeFolder(configuredPath);
        var ownership = TakeOwnership(configuredPath, path);
        var sideFilesThere = SideFiles.Where(suffix => File.Exists(path + suffix)).ToList();
        try
        {
            var identity = Check(configuredPath, path);
            return new NotesDatabase(path, ownership, identity);
        }
        catch
        {
            // Refused: leave nothing of ours beside a file that is no database (/dev/null, say).
            ownership.Dispose();
            File.Delete(path + ".lock");
            foreach (var suffix in SideFiles.Except(sideFilesThere))
                File.Delete(path + suffix);
            throw;
        }
    }

    /// <summary>
    /// Cluster mode: checks the database like <see cref="Open"/> but leaves the lock to whichever node
    /// runs the store (<see cref="Claim"/>).
    /// </summary>
    public static NotesDatabase OpenShared(string configuredPath)
    {
        var path = MakeFolder(configuredPath);
        return new NotesDatabase(path, null, Check(configuredPath, path));
    }

    /// <summary>
    /// Takes the lock for the notes store of this node, until the result is disposed. Throws
    /// <see cref="SettingsException"/> (its message says who holds it) while another process holds it.
    /// </summary>
    public IDisposable Claim() => TakeOwnership(Path, Path);

    /// <summary>
    /// Why a write to this database would not be kept, or null: its file was deleted, or moved or
    /// replaced under the running server (<see cref="HeldFile"/>). The journal asks the same after
    /// each commit; the store's supervisor asks this before it starts a board, so that a fresh board
    /// is never started in a lost file's place.
    /// </summary>
    public string? FileLost() => !HoldsJournal || _file.StillNamed() ? null : HeldFile.LostReason;

    /// <summary>What SQLite keeps beside a database: the rollback journal, the write-ahead log and its index.</summary>
    private static readonly string[] SideFiles = ["-journal", "-wal", "-shm"];

    private static string MakeFolder(string configuredPath)
    {
        var path = System.IO.Path.GetFullPath(configuredPath);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SettingsException.Invalid(Key, configuredPath, $"its folder cannot be made ({e.Message})");
        }
        return path;
    }

    private static FileStream TakeOwnership(string configuredPath, string path)
    {
        var lockPath = path + ".lock";
        FileStream ownership;
        try
        {
            ownership = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new SettingsException(
                // .NET takes a shared lock to read a file, so the holder's id is for people (cat), not for us.
                $"error: the notes database {path} is in use by another server (its process id is in {lockPath}); " +
                "one server per database: stop that one, or give this one another notes.sqlite-path");
        }
        catch (UnauthorizedAccessException e)
        {
            throw SettingsException.Invalid(Key, configuredPath, $"its lock file {lockPath} cannot be written ({e.Message})");
        }
        ownership.SetLength(0);
        using (var writer = new StreamWriter(ownership, leaveOpen: true))
            writer.WriteLine(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        ownership.Flush(flushToDisk: false);
        return ownership;
    }

    /// <summary>Gives the database up (the lock file stays, unlocked, for the next server).</summary>
    public void Dispose()
    {
        // Closing a descriptor drops every POSIX lock this process holds on the file, SQLite's too:
        // done last, once the journal is closed.
        _file.Dispose();
        _lock?.Dispose();
    }
}
