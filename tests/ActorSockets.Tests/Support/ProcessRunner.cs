using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorSockets.Tests.Support;

/// <summary>
/// Runs one of the project's executables (<c>dotnet Server.dll …</c>) as a real process, collects
/// its output, and always kills it (with its children) on dispose, so no test leaves one behind.
/// </summary>
internal sealed class ProcessRunner : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();

    private ProcessRunner(Process process) => _process = process;

    public static ProcessRunner Start(string dll, IEnumerable<string> args, bool redirectInput = false) =>
        StartProgram("dotnet", [dll, .. args], redirectInput);

    /// <summary>Starts <paramref name="program"/> itself (an installed tool's command), in <paramref name="workingDirectory"/> if given.</summary>
    public static ProcessRunner StartProgram(string program, IEnumerable<string> args, bool redirectInput = false, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var runner = new ProcessRunner(process);
        process.OutputDataReceived += (_, e) => runner.Append(runner._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => runner.Append(runner._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runner;
    }

    public int Id => _process.Id;
    public StreamWriter Input => _process.StandardInput;

    public string Stdout
    {
        get { lock (_gate) return _stdout.ToString(); }
    }

    public string Stderr
    {
        get { lock (_gate) return _stderr.ToString(); }
    }

    /// <summary>Waits until standard output holds a line matching <paramref name="pattern"/>; returns the match.</summary>
    public async Task<System.Text.RegularExpressions.Match> WaitForOutputAsync(string pattern, TimeSpan wait)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern);
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            var match = regex.Match(Stdout);
            if (match.Success)
                return match;
            if (_process.HasExited)
                break;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no output matching /{pattern}/; stdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    /// <summary>The exit code, or a failure (and a kill) when the process does not exit in time.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"process did not exit within {wait}; stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        _process.WaitForExit(); // flushes the asynchronous output readers
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as a service manager or <c>kill</c> would (.NET itself can only send SIGKILL).</summary>
    public void Terminate() => Signal(SigTerm, "SIGTERM");

    /// <summary>SIGSTOP: the process stops where it is, holding its sockets and locks, as a swapping or frozen machine would.</summary>
    public void Pause() => Signal(SigStop, "SIGSTOP");

    /// <summary>SIGCONT: a paused process runs on, unaware of the time it lost.</summary>
    public void Resume() => Signal(SigCont, "SIGCONT");

    private void Signal(int signal, string name)
    {
        if (SendSignal(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {name}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGKILL: no shutdown, no flush; what was not on disk is gone.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    private const int SigTerm = 15;
    private const int SigCont = 18; // Linux
    private const int SigStop = 19; // Linux

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
            return;
        lock (_gate)
            target.AppendLine(line);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Where the built executables are: beside this test assembly's build, same configuration.</summary>
internal static class RepoPaths
{
    public static string RootDirectory => Root.Value;

    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorSockets.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("ActorSockets.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>Debug or Release: the folder two levels above this assembly (bin/CONFIG/net10.0).</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string ServerDll => Built("Server");
    public static string ClientDll => Built("Client");
    public static string BenchDll => Built("Bench");

    private static string Built(string project)
    {
        var path = Path.Combine(Root.Value, "src", project, "bin", Configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built; run dotnet build first", path);
    }
}
