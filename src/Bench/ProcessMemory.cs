namespace ActorSockets.Bench;

/// <summary>Another process's memory, read from outside as the kernel counts it.</summary>
internal static class ProcessMemory
{
    /// <summary>Resident set size (<c>VmRSS</c> of <c>/proc/PID/status</c>) in KiB, or null if the process cannot be read.</summary>
    public static long? ResidentKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    continue;
                var number = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(number, System.Globalization.CultureInfo.InvariantCulture);
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
