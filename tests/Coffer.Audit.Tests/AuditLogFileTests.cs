using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.Audit.LogFiles;
using Coffer.Audit.Segments;
using Coffer.Storage.Tests;

namespace Coffer.Audit.Tests;

public sealed class AuditLogFileTests
{
    [Fact]
    public async Task WriteAsync_MakesACloudTrailLogFileWithItsChain()
    {
        using var directory = new TempDirectory();
        List<Coffer.Audit.Records.AuditRecord> records;
        await using (var writer = Journal.Open(directory.Path))
        {
            records = await Journal.AppendAsync(writer, 3, i => TestRecords.GetObject(TestRecords.Root(), "b", $"k{i}", TestRecords.Time.AddSeconds(10 - i)));
        }

        using var output = new MemoryStream();
        var info = await AuditLogFiles.WriteAsync(AuditSegment.List(directory.Path).Single().Path, output, gzip: false, CancellationToken.None);

        var json = JsonNode.Parse(output.ToArray())!.AsObject();
        Assert.Equal(["Records", "CofferChain"], json.Select(p => p.Key));
        Assert.Equal(records.Select(r => r.EventId.ToString()), json["Records"]!.AsArray().Select(r => (string?)r!["eventID"]));
        Assert.Equal(3, json["CofferChain"]!["recordHashes"]!.AsArray().Count);
        Assert.Equal(new string('0', 64), (string?)json["CofferChain"]!["previousHash"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(output.ToArray())), info.Sha256);
        Assert.Equal((TestRecords.Time.AddSeconds(8), TestRecords.Time.AddSeconds(10)), (info.OldestEventTime!.Value, info.NewestEventTime!.Value));
        Assert.Equal((string?)json["CofferChain"]!["recordHashes"]![2], info.LastHash);
    }

    [Fact]
    public async Task WriteAsync_OfASegmentAlteredOnDisk_RefusesToDeliverIt()
    {
        using var directory = new TempDirectory();
        await using (var writer = Journal.Open(directory.Path))
        {
            await Journal.AppendAsync(writer, 3);
        }

        var path = AuditSegment.List(directory.Path).Single().Path;
        var text = await File.ReadAllTextAsync(path, Encoding.UTF8);
        await File.WriteAllTextAsync(path, text.Replace("file-1.txt", "file-X.txt", StringComparison.Ordinal));

        await Assert.ThrowsAsync<AuditJournalCorruptException>(() => AuditLogFiles.WriteAsync(path, Stream.Null, gzip: true, CancellationToken.None));
    }
}
