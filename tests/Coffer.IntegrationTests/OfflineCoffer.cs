using System.Security.Cryptography;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// The <c>coffer</c> executable run on a data directory with no server on it: <c>kms rotate-master</c>,
/// and starts that must be refused (the wrong master key) without changing anything on disk.
/// </summary>
public static class OfflineCoffer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <c>coffer ARGS</c> with the root keys and only the master-key variables of <paramref name="environment"/>.</summary>
    public static Task<ExternalProcess.Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var full = new Dictionary<string, string?>
        {
            ["COFFER_ROOT_ACCESS_KEY"] = CofferServer.AccessKey,
            ["COFFER_ROOT_SECRET_KEY"] = CofferServer.SecretKey,
            ["COFFER_MASTER_KEY"] = null,
            ["COFFER_NEW_MASTER_KEY"] = null,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            full[name] = value;
        }

        return ExternalProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "coffer.dll"), .. args], full, Timeout);
    }

    /// <summary>A start is refused with one line naming <paramref name="keySource"/> and exit code 1, and leaves every file as it was.</summary>
    public static async Task AssertStartRefusedAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment, string keySource)
    {
        var before = Snapshot(dataDirectory);
        var result = await RunAsync(environment, "serve", "--data", dataDirectory, "--listen", "127.0.0.1:0");

        Assert.True(result.ExitCode == 1, result.ToString());
        var error = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("does not open this data directory's secrets", error, StringComparison.Ordinal);
        Assert.Contains(keySource, error, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(dataDirectory));
    }

    /// <summary>Every file under the data directory with its SHA-256, but the lock file and SQLite's own side files.</summary>
    public static Dictionary<string, string> Snapshot(string dataDirectory) =>
        Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories)
            .Where(path => !path.EndsWith("coffer.lock", StringComparison.Ordinal) && !path.EndsWith("-shm", StringComparison.Ordinal) && !path.EndsWith("-wal", StringComparison.Ordinal))
            .ToDictionary(path => Path.GetRelativePath(dataDirectory, path), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
}
