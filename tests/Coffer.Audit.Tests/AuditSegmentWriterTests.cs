using System.Text;
using Coffer.Audit.Segments;
using Coffer.Protocol.Tests;
using Coffer.Storage.Tests;

namespace Coffer.Audit.Tests;

public sealed class AuditSegmentWriterTests
{
    [Fact]
    public async Task AppendAsync_ConcurrentCallers_ShareFsyncsAndEveryRecordIsDurable()
    {
        using var directory = new TempDirectory();
        const int Callers = 32;
        const int PerCaller = 40;
        List<Guid> ids;
        AuditWriterStatistics statistics;
        await using (var writer = Journal.Open(directory.Path))
        {
            var appended = await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(() =>
                Journal.AppendAsync(writer, PerCaller, i => TestRecords.GetObject(TestRecords.User($"user{caller}", "AKIAEXAMPLE"), "b", $"{caller}/{i}")))));
            ids = appended.SelectMany(r => r).Select(r => r.EventId).ToList();
            statistics = writer.Statistics;
        }

        Assert.Equal(Callers * PerCaller, statistics.Appended);
        Assert.True(statistics.Flushes < statistics.Appended, $"{statistics.Flushes} fsyncs for {statistics.Appended} appends");
        var stored = Journal.ReadAll(directory.Path);
        Assert.Equal(ids.Order(), stored.Select(r => r.EventId).Order());
    }

    [Fact]
    public async Task AppendAsync_ReadOnlyRecord_IsInTheFileAtOnce_AndAnyOtherWaitsForTheFsyncThatCoversBoth()
    {
        using var directory = new TempDirectory();
        await using var writer = OpenWithDelay(directory.Path, TimeSpan.FromSeconds(10));
        var start = writer.Committed;
        var read = TestRecords.GetObject(TestRecords.Root(), "b", "read");

        await writer.AppendAsync(read, CancellationToken.None);

        // Written (a killed server keeps it), not yet fsync'd: readers do not see it.
        Assert.Equal(start, writer.Committed);
        Assert.Equal(0, writer.Statistics.Flushes);
        Assert.Contains(read.EventId.ToString(), await ReadSharedAsync(AuditSegment.List(directory.Path).Single().Path));

        await writer.AppendAsync(TestRecords.PutObject(TestRecords.Root(), "b", "written"), CancellationToken.None);

        Assert.Equal(1, writer.Statistics.Flushes);
        Assert.Equal(new FileInfo(AuditSegment.List(directory.Path).Single().Path).Length, writer.Committed.Length);
    }

    [Fact]
    public async Task AppendAsync_WithSyncReadOnly_ReadOnlyRecordsWaitForTheirFsync()
    {
        using var directory = new TempDirectory();
        await using var writer = OpenWithDelay(directory.Path, TimeSpan.FromSeconds(10), syncReadOnly: true);

        await writer.AppendAsync(TestRecords.GetObject(TestRecords.Root(), "b", "read"), CancellationToken.None);

        Assert.Equal(1, writer.Statistics.Flushes);
        Assert.Equal(new FileInfo(AuditSegment.List(directory.Path).Single().Path).Length, writer.Committed.Length);
    }

    [Fact]
    public async Task ReadOnlyRecords_AreFsyncdWithinTheDelay_WithoutAnyoneWaiting()
    {
        using var directory = new TempDirectory();
        await using var writer = OpenWithDelay(directory.Path, TimeSpan.FromMilliseconds(50));

        for (var i = 0; i < 20; i++)
        {
            await writer.AppendAsync(TestRecords.GetObject(TestRecords.Root(), "b", $"read-{i}"), CancellationToken.None);
        }

        var length = new FileInfo(AuditSegment.List(directory.Path).Single().Path).Length;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (writer.Committed.Length < length && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(length, writer.Committed.Length);
        Assert.InRange(writer.Statistics.Flushes, 1, 5);
    }

    private static AuditSegmentWriter OpenWithDelay(string directory, TimeSpan readOnlySyncDelay, bool syncReadOnly = false)
    {
        var options = Journal.Options(directory);
        options.ReadOnlySyncDelay = readOnlySyncDelay;
        options.SyncReadOnly = syncReadOnly;
        return AuditSegmentWriter.Open(options, new ManualClock(TestRecords.Time));
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Open_AfterTornLastLine_TruncatesItAndKeepsEveryAcknowledgedRecord()
    {
        using var directory = new TempDirectory();
        List<Coffer.Audit.Records.AuditRecord> acknowledged;
        await using (var writer = Journal.Open(directory.Path))
        {
            acknowledged = await Journal.AppendAsync(writer, 10);
        }

        var segment = AuditSegment.List(directory.Path).Single();
        var length = new FileInfo(segment.Path).Length;
        await File.AppendAllTextAsync(segment.Path, "0123456789abcdef {\"eventVersion\":\"1.09\",\"userIdent");

        await using (var writer = Journal.Open(directory.Path))
        {
            Assert.Equal(length, new FileInfo(segment.Path).Length);
            acknowledged.AddRange(await Journal.AppendAsync(writer, 5));
        }

        Assert.Equal(acknowledged.Select(r => r.EventId), Journal.ReadAll(directory.Path).Select(r => r.EventId));
    }

    [Fact]
    public async Task Open_AfterCompleteLineThatBreaksTheChain_MovesTheTailAsideAndContinues()
    {
        using var directory = new TempDirectory();
        await using (var writer = Journal.Open(directory.Path))
        {
            await Journal.AppendAsync(writer, 3);
        }

        var segment = AuditSegment.List(directory.Path).Single();
        var length = new FileInfo(segment.Path).Length;
        await File.AppendAllTextAsync(segment.Path, new string('0', 64) + " {\"forged\":true}\n");

        await using (var writer = Journal.Open(directory.Path))
        {
            await Journal.AppendAsync(writer, 1);
        }

        Assert.Equal(4, Journal.ReadAll(directory.Path).Count);
        var quarantined = Directory.GetFiles(directory.Path, "*.corrupt").Single();
        Assert.Contains("forged", await File.ReadAllTextAsync(quarantined), StringComparison.Ordinal);
        Assert.EndsWith($".tail-{length}.corrupt", quarantined, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_AfterCrashWhileRolling_StartsTheNewSegmentFromThePreviousHash()
    {
        using var directory = new TempDirectory();
        await using (var writer = Journal.Open(directory.Path))
        {
            await Journal.AppendAsync(writer, 3);
        }

        // The next segment was created but its header never reached the disk whole.
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "000000000002.seg"), "{\"format\":\"coffer-au");

        await using (var writer = Journal.Open(directory.Path))
        {
            Assert.Equal(2, writer.Committed.Sequence);
            await Journal.AppendAsync(writer, 2);
        }

        Assert.Equal(5, Journal.ReadAll(directory.Path).Count);
    }

    [Fact]
    public async Task RollAsync_ClosesTheSegment_AndTheNextContinuesItsChain()
    {
        using var directory = new TempDirectory();
        await using var writer = Journal.Open(directory.Path);
        Assert.Null(await writer.RollAsync(CancellationToken.None));

        await Journal.AppendAsync(writer, 2);
        Assert.Equal(1, await writer.RollAsync(CancellationToken.None));
        await Journal.AppendAsync(writer, 2);

        Assert.Equal([1L], writer.ClosedSegments().Select(s => s.Sequence));
        Assert.Equal(4, Journal.ReadAll(directory.Path).Count);
        Assert.Throws<InvalidOperationException>(() => writer.RetireSegment(new AuditSegment(2, "")));
    }

    [Fact]
    public async Task AppendAsync_PastMaxSegmentBytesOrAge_RollsToANewSegment()
    {
        using var directory = new TempDirectory();
        var clock = new ManualClock(TestRecords.Time);
        await using (var writer = Journal.Open(directory.Path, clock, maxSegmentBytes: 4096))
        {
            await Journal.AppendAsync(writer, 20);
            var bySize = writer.Committed.Sequence;
            Assert.True(bySize > 2, $"only {bySize} segments for 20 records of ~1 KiB in 4 KiB segments");

            await writer.RollAsync(CancellationToken.None);
            await Journal.AppendAsync(writer, 1);
            clock.Advance(TimeSpan.FromMinutes(6));
            await Journal.AppendAsync(writer, 1);
            Assert.Equal(bySize + 2, writer.Committed.Sequence);
        }

        Assert.Equal(22, Journal.ReadAll(directory.Path).Count);
    }

    [Fact]
    public void Open_WhereTheDirectoryCannotBeCreated_ThrowsAuditUnavailable()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("not-a-directory");
        File.WriteAllText(file, "");

        Assert.Throws<AuditUnavailableException>(() => Journal.Open(Path.Combine(file, "segments")));
    }

    [Fact]
    public async Task AppendAsync_WhenTheJournalCannotWrite_FailsClosedAndRecovers()
    {
        using var directory = new TempDirectory();
        var segments = directory.Combine("segments");
        var clock = new ManualClock(TestRecords.Time);
        await using var writer = Journal.Open(segments, clock, maxSegmentBytes: 4096);
        await Journal.AppendAsync(writer, 4);
        Break(segments);

        await Assert.ThrowsAsync<AuditUnavailableException>(() => Journal.AppendAsync(writer, 10));
        Assert.False(writer.IsHealthy);
        // Until the retry interval passes the journal answers at once, without touching the disk.
        await Assert.ThrowsAsync<AuditUnavailableException>(() => Journal.AppendAsync(writer, 1));

        Repair(segments);
        clock.Advance(TimeSpan.FromSeconds(2));
        await Journal.AppendAsync(writer, 1);
        Assert.True(writer.IsHealthy);
        Assert.Equal(0, writer.Statistics.Dropped);
    }

    [Fact]
    public async Task AppendAsync_FailOpen_DropsAndCountsInsteadOfThrowing()
    {
        using var directory = new TempDirectory();
        var segments = directory.Combine("segments");
        await using var writer = Journal.Open(segments, maxSegmentBytes: 4096, failOpen: true);
        await Journal.AppendAsync(writer, 4);
        Break(segments);

        await Journal.AppendAsync(writer, 3);

        Assert.False(writer.IsHealthy);
        Assert.True(writer.Statistics.Dropped >= 3);
    }

    /// <summary>Replaces the segment directory with a file, so no segment can be created in it (root ignores permissions).</summary>
    private static void Break(string segments)
    {
        Directory.Delete(segments, recursive: true);
        File.WriteAllText(segments, "in the way");
    }

    private static void Repair(string segments)
    {
        File.Delete(segments);
        Directory.CreateDirectory(segments);
    }

    [Fact]
    public async Task SegmentFile_IsHeaderThenHashSpaceJsonLines()
    {
        using var directory = new TempDirectory();
        await using (var writer = Journal.Open(directory.Path))
        {
            await Journal.AppendAsync(writer, 2);
        }

        var lines = (await File.ReadAllTextAsync(AuditSegment.List(directory.Path).Single().Path, Encoding.UTF8)).Split('\n');
        Assert.StartsWith("{\"format\":\"coffer-audit-segment\",\"version\":1,\"sequence\":1,\"previousHash\":\"" + new string('0', 64) + "\"", lines[0], StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64} \\{\"eventVersion\":\"1.09\",", lines[1]);
        Assert.Equal(4, lines.Length);
        Assert.Equal("", lines[3]);
    }
}
