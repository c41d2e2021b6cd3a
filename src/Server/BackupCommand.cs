using ActorSockets.Protocol;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Notes;

namespace ActorSockets.ServerApp;

/// <summary><c>backup DATABASE DESTINATION</c>: a copy of a running server's notes database (docs/OPERATIONS.md, Backups).</summary>
internal static class BackupCommand
{
    public static int Run(string database, string destination)
    {
        try
        {
            var rows = NotesBackup.Copy(database, destination);
            Console.WriteLine($"backed up {database} to {destination} ({rows} journal rows)");
            return ExitCodes.Ok;
        }
        catch (SettingsException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitCodes.BadConfig;
        }
    }
}
