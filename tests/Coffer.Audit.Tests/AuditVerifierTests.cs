using System.Text;
using Coffer.Audit.Digests;
using Coffer.Audit.Verification;

namespace Coffer.Audit.Tests;

public sealed class AuditVerifierTests
{
    [Fact]
    public async Task Verify_UntouchedTrail_IsValid_IncludingAQuietHour()
    {
        using var trail = await Trail.BuildAsync([2, 0, 1]);

        var report = trail.Verify();

        Assert.True(report.IsValid, string.Join("\n", report.Findings));
        Assert.Empty(report.Findings);
        Assert.Equal(3, report.DigestsChecked);
        Assert.Equal(3, report.LogFilesChecked);
        Assert.Equal(18, report.RecordsChecked);
    }

    [Fact]
    public async Task Verify_EditedRecord_NamesTheFileAndTheRecord()
    {
        using var trail = await Trail.BuildAsync([3]);
        trail.EditRecords(1, records => records[4] = Replace(records[4], "\"GetObject\"", "\"PutObject\""));

        var findings = trail.Verify().Findings;

        var name = trail.LogFiles[1].S3Object;
        Assert.Equal(
            [(AuditFindingKind.LogFileModified, name, (int?)null), (AuditFindingKind.RecordModified, name, 4)],
            findings.Select(f => (f.Kind, f.S3Object, f.RecordIndex)));
    }

    [Fact]
    public async Task Verify_DeletedRecord_IsNamedAtItsPosition()
    {
        using var trail = await Trail.BuildAsync([2]);
        trail.EditRecords(0, records => records.RemoveAt(2));

        var findings = trail.Verify().Findings;

        Assert.Contains(findings, f => f.Kind == AuditFindingKind.LogFileModified);
        var deleted = Assert.Single(findings, f => f.Kind != AuditFindingKind.LogFileModified);
        Assert.Equal((AuditFindingKind.RecordDeleted, 2), (deleted.Kind, deleted.RecordIndex));
    }

    [Fact]
    public async Task Verify_InsertedRecord_IsNamedAtItsPosition()
    {
        using var trail = await Trail.BuildAsync([2]);
        trail.EditRecords(1, records => records.Insert(3, Replace(records[0], "k0", "forged")));

        var findings = trail.Verify().Findings.Where(f => f.Kind != AuditFindingKind.LogFileModified);

        var inserted = Assert.Single(findings);
        Assert.Equal((AuditFindingKind.RecordInserted, 3), (inserted.Kind, inserted.RecordIndex));
    }

    [Fact]
    public async Task Verify_ReorderedRecords_AreNamedWithWhereTheyBelong()
    {
        using var trail = await Trail.BuildAsync([1]);
        trail.EditRecords(0, records => (records[1], records[4]) = (records[4], records[1]));

        var findings = trail.Verify().Findings.Where(f => f.Kind != AuditFindingKind.LogFileModified).ToList();

        Assert.Equal([(AuditFindingKind.RecordReordered, 1), (AuditFindingKind.RecordReordered, 4)], findings.Select(f => (f.Kind, f.RecordIndex ?? -1)));
        Assert.Contains("position 4", findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ReplacedLogFile_IsModified()
    {
        using var trail = await Trail.BuildAsync([2]);
        trail.LogFiles[0] = trail.LogFiles[0] with { Content = trail.LogFiles[1].Content };

        var findings = trail.Verify().Findings;

        Assert.Contains(findings, f => f.Kind == AuditFindingKind.LogFileModified && f.S3Object == trail.LogFiles[0].S3Object);
    }

    [Fact]
    public async Task Verify_DeletedLogFile_IsNamed()
    {
        using var trail = await Trail.BuildAsync([3]);
        var deleted = trail.LogFiles[1].S3Object;
        trail.LogFiles.RemoveAt(1);

        var finding = Assert.Single(trail.Verify().Findings);

        Assert.Equal((AuditFindingKind.LogFileDeleted, deleted), (finding.Kind, finding.S3Object));
    }

    [Fact]
    public async Task Verify_LogFileNoDigestLists_IsInserted()
    {
        using var trail = await Trail.BuildAsync([2, 1]);
        trail.LogFiles.Add(trail.LogFiles[0] with { S3Object = trail.LogFiles[0].S3Object.Replace(".json.gz", "x.json.gz", StringComparison.Ordinal) });

        var findings = trail.Verify().Findings;

        Assert.Contains(findings, f => f.Kind == AuditFindingKind.LogFileInserted && f.S3Object.EndsWith("x.json.gz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_SegmentNeverDelivered_IsAChainGap()
    {
        using var trail = await Trail.BuildAsync([3]);

        // As if delivery had skipped the middle segment: no file, and no digest entry for it.
        trail.ReplaceFirstDigest(trail.Signed[0].Digest.LogFiles.Where((_, i) => i != 1).ToList());
        trail.LogFiles.RemoveAt(1);

        var finding = Assert.Single(trail.Verify().Findings);

        Assert.Equal((AuditFindingKind.ChainGap, trail.LogFiles[1].S3Object), (finding.Kind, finding.S3Object));
    }

    [Fact]
    public async Task Verify_LogFileNewerThanTheLastDigest_IsReportedButNotAFailure()
    {
        using var trail = await Trail.BuildAsync([1, 1]);
        trail.Digests.RemoveAt(1);

        var report = trail.Verify();

        Assert.True(report.IsValid);
        Assert.Contains(report.Findings, f => f.Kind == AuditFindingKind.LogFileNotYetDigested);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Verify_UnreadableFileAmongTheUndigested_IsNamed_AndTheFilesAfterItStayPending(int damaged)
    {
        // Files 1 to 3 were delivered after the last digest was made, though their records are
        // older than its end (requests that began before it and were journaled after).
        using var trail = await Trail.BuildAsync([1, 3]);
        trail.ReplaceDigest(1, []);
        trail.LogFiles[damaged] = trail.LogFiles[damaged] with { Content = "not a log file"u8.ToArray() };

        var findings = trail.Verify().Findings;

        Assert.Equal(
            Enumerable.Range(1, 3).Select(i => (i == damaged ? AuditFindingKind.LogFileUnreadable : AuditFindingKind.LogFileNotYetDigested, trail.LogFiles[i].S3Object)).Order(),
            findings.Select(f => (f.Kind, f.S3Object)).Order());
    }

    [Fact]
    public async Task Verify_UnreadableLastListedFile_IsNamed_AndTheFilesAfterItStayPending()
    {
        using var trail = await Trail.BuildAsync([2, 2]);
        trail.ReplaceDigest(1, []);
        trail.LogFiles[1] = trail.LogFiles[1] with { Content = "not a log file"u8.ToArray() };

        var findings = trail.Verify().Findings;

        Assert.Contains(findings, f => (f.Kind, f.S3Object) == (AuditFindingKind.LogFileUnreadable, trail.LogFiles[1].S3Object));
        Assert.Equal(
            [(AuditFindingKind.LogFileNotYetDigested, trail.LogFiles[2].S3Object), (AuditFindingKind.LogFileNotYetDigested, trail.LogFiles[3].S3Object)],
            findings.Where(f => f.S3Object != trail.LogFiles[1].S3Object).Select(f => (f.Kind, f.S3Object)));
    }

    private static byte[] Replace(byte[] record, string from, string to) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(record).Replace(from, to, StringComparison.Ordinal));
}
