namespace Coffer.Audit.Tests;

/// <summary>
/// The test assembly's entry point. The test host never calls it; the crash test starts this
/// assembly as a child process (`dotnet Coffer.Audit.Tests.dll crash-writer DIR`) to kill it.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        args is ["crash-writer", var directory] ? CrashWriter.RunAsync(directory) : Task.FromResult(2);
}
