namespace OpenIm.Lab;

/// <summary>
/// One timestamped line per event on stdout, which the lab redirects into the process's log file.
/// </summary>
internal static class LabLog
{
    public static void Write(string line) =>
        Console.Out.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");
}
