using System.Diagnostics;
using Coffer.Audit.Segments;
using Coffer.Storage.Tests;

namespace Coffer.Audit.Tests;

public sealed class AuditCrashTests
{
    [Fact]
    public async Task KillDashNine_WhileAppending_LosesNoAcknowledgedRecord_AndTheChainVerifies()
    {
        using var directory = new TempDirectory();
        var start = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashWriter).Assembly.Location);
        start.ArgumentList.Add("crash-writer");
        start.ArgumentList.Add(directory.Path);

        var acknowledged = new HashSet<Guid>();
        using (var child = Process.Start(start)!)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (acknowledged.Count < 3000 && await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                acknowledged.Add(Guid.Parse(line));
            }

            child.Kill();
            await child.WaitForExitAsync(timeout.Token);
            foreach (var line in (await child.StandardOutput.ReadToEndAsync(timeout.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                // The last line may be cut off by the kill; a whole id was acknowledged.
                if (Guid.TryParse(line, out var id))
                {
                    acknowledged.Add(id);
                }
            }
        }

        Assert.True(acknowledged.Count >= 3000, $"the child acknowledged only {acknowledged.Count} records");
        await using (var writer = Journal.Open(directory.Path))
        {
            await Journal.AppendAsync(writer, 1);
        }

        var stored = Journal.ReadAll(directory.Path).Select(r => r.EventId).ToHashSet();
        Assert.Subset(stored, acknowledged);
        Assert.True(AuditSegment.List(directory.Path).Count > 1, "the crash test should roll segments while it runs");
    }
}
