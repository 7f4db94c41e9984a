using System.Runtime.InteropServices;

namespace Coffer.Storage.Threading;

/// <summary>
/// Lowers the calling thread's scheduling priority, for background work (indexing, lifecycle
/// scans) that must give way to requests when the CPU is contended and may use it when idle.
/// </summary>
public static class BackgroundPriority
{
    /// <summary>The nice value background threads run at: requests get about ten times their CPU share.</summary>
    public const int Nice = 10;

    private const int PriorityProcess = 0;

    /// <summary>
    /// Lowers the calling thread to <see cref="Nice"/> on Linux (there a priority is per thread);
    /// elsewhere, or where the call is refused, the thread keeps its priority. Returns whether it took.
    /// </summary>
    public static bool LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SetPriority(PriorityProcess, GetThreadId(), Nice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport: LibraryImport would need unsafe code enabled for two int-only calls.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
#pragma warning restore SYSLIB1054
}
