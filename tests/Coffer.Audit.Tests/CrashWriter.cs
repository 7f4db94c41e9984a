using Coffer.Audit.Segments;

namespace Coffer.Audit.Tests;

/// <summary>
/// Appends from many tasks until killed, printing each record's event id once its append has
/// completed: every id printed is one the journal acknowledged.
/// </summary>
internal static class CrashWriter
{
    public static async Task<int> RunAsync(string directory)
    {
        var writer = AuditSegmentWriter.Open(Journal.Options(directory, maxSegmentBytes: 64 * 1024), TimeProvider.System);
        var output = Console.Out;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; ; i++)
            {
                var record = TestRecords.GetObject(TestRecords.User($"user{worker}", "AKIAEXAMPLE"), "b", $"{worker}/{i}", DateTimeOffset.UtcNow);
                await writer.AppendAsync(record, CancellationToken.None);
                await output.WriteLineAsync(record.EventId.ToString());
            }
        })));
        return 0;
    }
}
