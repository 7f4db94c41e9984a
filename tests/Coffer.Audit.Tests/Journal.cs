using Coffer.Audit.Records;
using Coffer.Audit.Segments;
using Coffer.Protocol.Tests;

namespace Coffer.Audit.Tests;

/// <summary>Opens journals in a test directory and reads back what they hold.</summary>
internal static class Journal
{
    public static AuditOptions Options(string directory, long maxSegmentBytes = 64 * 1024 * 1024, bool failOpen = false, string? history = null) => new()
    {
        SegmentDirectory = directory,
        HistoryDirectory = history,
        MaxSegmentBytes = maxSegmentBytes,
        FailOpen = failOpen,
        RetryInterval = TimeSpan.FromSeconds(1),
    };

    public static AuditSegmentWriter Open(string directory, ManualClock? clock = null, long maxSegmentBytes = 64 * 1024 * 1024, bool failOpen = false, string? history = null) =>
        AuditSegmentWriter.Open(Options(directory, maxSegmentBytes, failOpen, history), clock ?? new ManualClock(TestRecords.Time));

    public static async Task<List<AuditRecord>> AppendAsync(AuditSegmentWriter writer, int count, Func<int, AuditRecord>? make = null)
    {
        var records = new List<AuditRecord>();
        for (var i = 0; i < count; i++)
        {
            var record = make?.Invoke(i) ?? TestRecords.GetObject(TestRecords.User("alice", "AKIAALICEEXAMPLE0001"), "team-data", $"file-{i}.txt");
            await writer.AppendAsync(record, CancellationToken.None);
            records.Add(record);
        }

        // Read-only records are fsync'd a little after their append: readers see them from then on.
        await writer.SyncAsync(CancellationToken.None);
        return records;
    }

    /// <summary>Every record in every segment, in order, verifying each segment's chain and the links between segments.</summary>
    public static List<AuditRecord> ReadAll(string directory)
    {
        var records = new List<AuditRecord>();
        byte[]? last = null;
        foreach (var segment in AuditSegment.List(directory))
        {
            using var reader = SegmentReader.Open(segment.Path);
            if (last is not null)
            {
                Assert.Equal(Convert.ToHexStringLower(last), reader.Header.PreviousHash);
            }

            while (reader.TryRead())
            {
                records.Add(AuditRecordSerializer.Deserialize(reader.CurrentJson));
            }

            Assert.Equal(SegmentReadStop.End, reader.Stop);
            last = reader.LastHash.ToArray();
        }

        return records;
    }
}
