using System.Globalization;
using ActorSockets.Protocol;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.EndToEnd;

/// <summary>
/// Issue 22, point 1: the three executables as .NET tools, as an operator installs them. The test
/// packs the build it runs beside (<c>dotnet pack --no-build</c>), installs the packages from that
/// folder alone (a NuGet config of its own: nothing is asked of nuget.org), runs the installed
/// commands from a working folder of their own, and uninstalls them.
/// </summary>
public sealed class ToolInstallTests : IDisposable
{
    private static readonly TimeSpan DotnetBound = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly string[] Commands = ["actorsockets-server", "actorsockets", "actorsockets-bench"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Version => typeof(ExitCodes).Assembly.GetName().Version!.ToString(3);

    private static async Task<string> DotnetAsync(params string[] args)
    {
        await using var dotnet = ProcessRunner.StartProgram("dotnet", args);
        var exit = await dotnet.WaitForExitAsync(DotnetBound);
        Assert.True(exit == 0, $"dotnet {string.Join(' ', args)} exited {exit}:\n{dotnet.Stdout}\n{dotnet.Stderr}");
        return dotnet.Stdout;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string program, string[] args, string? input, string workingDirectory)
    {
        await using var run = ProcessRunner.StartProgram(program, args, redirectInput: input is not null, workingDirectory: workingDirectory);
        if (input is not null)
        {
            await run.Input.WriteAsync(input);
            run.Input.Close();
        }
        var exit = await run.WaitForExitAsync(Bound);
        return (exit, run.Stdout, run.Stderr);
    }

    private static string[] FilesUnder(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task The_packed_tools_install_run_from_a_folder_of_their_own_answer_a_sum_and_uninstall()
    {
        var packages = Directory.CreateDirectory(_folder.File("packages")).FullName;
        var tools = Directory.CreateDirectory(_folder.File("tools")).FullName;
        var work = Directory.CreateDirectory(_folder.File("work")).FullName;
        var nugetConfig = _folder.File("nuget.config");
        await File.WriteAllTextAsync(nugetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{packages}" />
              </packageSources>
            </configuration>
            """);

        await DotnetAsync("pack", Path.Combine(RepoPaths.RootDirectory, "ActorSockets.sln"), "--no-build", "--no-restore", "-c", RepoPaths.Configuration, "-o", packages);
        Assert.Equal(Commands.Select(command => $"{command}.{Version}.nupkg").Order(StringComparer.Ordinal),
            Directory.EnumerateFiles(packages).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var command in Commands)
            await DotnetAsync("tool", "install", "--tool-path", tools, "--configfile", nugetConfig, command, "--version", Version);

        var server = Path.Combine(tools, "actorsockets-server");
        var (versionExit, versionOut, _) = await RunAsync(server, ["--version"], null, work);
        Assert.Equal(0, versionExit);
        Assert.StartsWith(Version, versionOut.Trim(), StringComparison.Ordinal);

        var installed = FilesUnder(tools);
        await using (var running = ProcessRunner.StartProgram(server, ["--port", "0", "--set", "service=notes"], workingDirectory: work))
        {
            var endPoint = ServerProcess.EndPointOf(await running.WaitForOutputAsync(ServerProcess.ListeningLine, ServerProcess.StartWait));
            string[] target = ["--address", endPoint.Address.ToString(), "--port", endPoint.Port.ToString(CultureInfo.InvariantCulture), "--set", "service=notes"];
            var (exit, stdout, stderr) = await RunAsync(Path.Combine(tools, "actorsockets"), target, "POST from the installed client\n", work);
            Assert.True(exit == ExitCodes.Ok, stderr);
            Assert.Equal("OK 1\n", stdout.ReplaceLineEndings("\n"));
            running.Terminate();
            Assert.Equal(ExitCodes.Ok, await running.WaitForExitAsync(Bound));
        }
        // Relative paths resolve against the working folder: the board is there, and the install folder is as installed.
        Assert.True(File.Exists(Path.Combine(work, "data", "notes.db")), "the notes database is not under the working folder");
        Assert.Equal(installed, FilesUnder(tools));

        await using (var running = ProcessRunner.StartProgram(server, ["--port", "0"], workingDirectory: work))
        {
            var endPoint = ServerProcess.EndPointOf(await running.WaitForOutputAsync(ServerProcess.ListeningLine, ServerProcess.StartWait));
            string[] target = ["--address", endPoint.Address.ToString(), "--port", endPoint.Port.ToString(CultureInfo.InvariantCulture)];
            var (exit, stdout, stderr) = await RunAsync(Path.Combine(tools, "actorsockets"), target, "3 4\n", work);
            Assert.True(exit == ExitCodes.Ok, stderr);
            Assert.Equal("7\n", stdout.ReplaceLineEndings("\n"));
        }
        var (benchExit, benchOut, _) = await RunAsync(Path.Combine(tools, "actorsockets-bench"), ["--version"], null, work);
        Assert.Equal(0, benchExit);
        Assert.StartsWith(Version, benchOut.Trim(), StringComparison.Ordinal);

        foreach (var command in Commands)
            await DotnetAsync("tool", "uninstall", "--tool-path", tools, command);
        Assert.All(Commands, command => Assert.False(File.Exists(Path.Combine(tools, command)), $"{command} is still installed"));
    }
}
