using System.IO.Compression;
using System.Text;
using Coffer.Audit.Digests;
using Coffer.Audit.LogFiles;
using Coffer.Audit.Verification;
using Coffer.Storage.Tests;

namespace Coffer.Audit.Tests;

/// <summary>
/// A delivered trail built the way delivery will build it: records journaled into segments, each
/// closed segment made into a gzip log file, and hourly digests listing them (some hours empty).
/// </summary>
internal sealed class Trail : IDisposable
{
    public const string Bucket = "coffer-audit-logs";
    public const string Region = "us-east-1";

    private Trail(AuditSigningKey key) => Key = key;

    public AuditSigningKey Key { get; }

    public List<DeliveredLogFile> LogFiles { get; } = [];

    public List<DeliveredDigest> Digests { get; } = [];

    public List<SignedDigest> Signed { get; } = [];

    public IReadOnlyList<AuditPublicKey> PublicKeys => [Key.PublicKey];

    /// <param name="hours">For each hour, the segments delivered in it (each of <paramref name="recordsPerSegment"/> records); 0 for a quiet hour.</param>
    public static async Task<Trail> BuildAsync(int[] hours, int recordsPerSegment = 6)
    {
        var trail = new Trail(AuditSigningKey.Generate(TestRecords.Time));
        using var directory = new TempDirectory();
        var time = TestRecords.Time;
        DigestLink? previous = null;
        await using var writer = Journal.Open(directory.Path);
        foreach (var segments in hours)
        {
            var entries = new List<AuditDigestLogFile>();
            for (var s = 0; s < segments; s++)
            {
                var at = time.AddMinutes((s + 1) * 5);
                await Journal.AppendAsync(writer, recordsPerSegment, i => TestRecords.GetObject(TestRecords.Root(), "team-data", $"k{i}", at.AddSeconds(i)));
                var closed = (await writer.RollAsync(CancellationToken.None))!.Value;
                using var gzip = new MemoryStream();
                var info = await AuditLogFiles.WriteAsync(writer.ClosedSegments().Single(c => c.Sequence == closed).Path, gzip, gzip: true, CancellationToken.None);
                var key = CloudTrailObjectKeys.LogFile(TestRecords.Account, Region, at.AddMinutes(1), info.UniqueName);
                trail.LogFiles.Add(new DeliveredLogFile(Bucket, key, gzip.ToArray()));
                entries.Add(info.ToDigestEntry(Bucket, key));
            }

            time = time.AddHours(1);
            var digest = AuditDigests.Create(
                new DigestRequest { AccountId = TestRecords.Account, Region = Region, S3Bucket = Bucket, StartTime = time.AddHours(-1), EndTime = time, LogFiles = entries },
                previous,
                trail.Key);
            trail.Signed.Add(digest);
            trail.Digests.Add(new DeliveredDigest(Bucket, digest.S3Object, Gzip(digest.Content), digest.Signature));
            previous = digest.Link;
        }

        return trail;
    }

    /// <summary>
    /// Replaces the first digest with one for the same period listing <paramref name="logFiles"/>,
    /// signed by <paramref name="key"/> (the trail's own by default): what an attacker with or without the key could deliver.
    /// </summary>
    public void ReplaceFirstDigest(IReadOnlyList<AuditDigestLogFile> logFiles, AuditSigningKey? key = null) => ReplaceDigest(0, logFiles, key);

    /// <summary>Replaces digest <paramref name="index"/> with one for the same period, chained as it was, listing <paramref name="logFiles"/>.</summary>
    public void ReplaceDigest(int index, IReadOnlyList<AuditDigestLogFile> logFiles, AuditSigningKey? key = null)
    {
        var original = Signed[index].Digest;
        var replacement = AuditDigests.Create(
            new DigestRequest { AccountId = TestRecords.Account, Region = Region, S3Bucket = Bucket, StartTime = original.DigestStartTime, EndTime = original.DigestEndTime, LogFiles = logFiles },
            index == 0 ? null : Signed[index - 1].Link,
            key ?? Key);
        Digests[index] = new DeliveredDigest(Bucket, replacement.S3Object, Gzip(replacement.Content), replacement.Signature);
    }

    public AuditVerificationReport Verify() => AuditVerifier.Verify(Digests, LogFiles, PublicKeys);

    /// <summary>Rewrites log file <paramref name="index"/>'s records (each the exact JSON bytes) and leaves its chain block as it was.</summary>
    public void EditRecords(int index, Action<List<byte[]>> edit)
    {
        var file = LogFiles[index];
        var content = Gunzip(file.Content.ToArray());
        var parsed = ParsedLogFile.TryParse(content, out _)!;
        var records = parsed.Records.Select(r => content[r]).ToList();
        edit(records);
        var chain = content.AsSpan().LastIndexOf(",\"CofferChain\":"u8);
        var rebuilt = new MemoryStream();
        rebuilt.Write("{\"Records\":["u8);
        rebuilt.Write(Encoding.UTF8.GetBytes(string.Join(",", records.Select(Encoding.UTF8.GetString))));
        rebuilt.Write("]"u8);
        rebuilt.Write(content.AsSpan(chain));
        LogFiles[index] = file with { Content = Gzip(rebuilt.ToArray()) };
    }

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] content) => ParsedLogFile.Decompress(content);

    public void Dispose() => Key.Dispose();
}
