using Coffer.Audit.Lookup;
using Coffer.Audit.Records;
using Coffer.Audit.Segments;
using Coffer.Protocol.Tests;
using Coffer.Storage.Sqlite;
using Coffer.Storage.Tests;

namespace Coffer.Audit.Tests;

public sealed class AuditLookupIndexTests : IAsyncLifetime
{
    private static readonly string[] Users = ["alice", "bob", "carol"];
    private static readonly string[] Buckets = ["team-data", "photos"];
    private static readonly string[] Ips = ["192.0.2.1", "192.0.2.2", "198.51.100.9"];

    private readonly TempDirectory _directory = new();
    private readonly List<AuditRecord> _records = [];
    private SqliteDatabase _database = null!;
    private AuditSegmentWriter _journal = null!;
    private AuditLookupIndex _index = null!;

    public async Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(_directory.Combine("lookup.db"));
        _journal = Journal.Open(_directory.Combine("segments"), history: _directory.Combine("history"));
        _index = new AuditLookupIndex(_database, _journal);
        for (var i = 0; i < 240; i++)
        {
            var identity = (i % 5) switch
            {
                0 => TestRecords.Root(),
                1 => TestRecords.RoleSession("Uploader", $"session-{i % 2}", "ASIAROLEEXAMPLE00001"),
                4 => AuditUserIdentity.Anonymous,
                _ => TestRecords.User(Users[i % 3], $"AKIA{Users[i % 3].ToUpperInvariant()}EXAMPLE"),
            };
            var prefix = i % 4 == 0 ? "reports/2026/" : "images/";
            _records.Add(TestRecords.GetObject(
                identity, Buckets[i % 2], $"{prefix}{i}.dat", TestRecords.Time.AddSeconds(i / 3), i % 7 == 0 ? "AccessDenied" : null, Ips[i % 3]));
        }

        // Out of time order, in two blocks, as concurrent requests arrive.
        var shuffled = _records.OrderBy(r => r.EventId).ToList();
        await Journal.AppendAsync(_journal, 100, i => shuffled[i]);
        Assert.Equal(100, _index.CatchUp(CancellationToken.None));
        await Journal.AppendAsync(_journal, shuffled.Count - 100, i => shuffled[100 + i]);
        Assert.Equal(shuffled.Count - 100, _index.CatchUp(CancellationToken.None));
    }

    public async Task DisposeAsync()
    {
        await _journal.DisposeAsync();
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    public static TheoryData<string> Filters => new()
    {
        "none", "username:alice", "username:root", "username:session-1", "arn", "accessKey", "eventName", "bucket", "bucketAndPrefix",
        "prefixOnly", "errorCode", "sourceIp", "eventId", "timeRange", "combined", "readOnly", "eventSource", "nothing",
        "resourceType", "resourceName:bucket", "resourceName:arn", "resourceTypeAndName", "resourceAndTime",
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task QueryAsync_ReturnsExactlyTheMatchingRecords_NewestFirst_AcrossPages(string filter)
    {
        var target = _records[37];
        var from = TestRecords.Time.AddSeconds(20);
        var to = TestRecords.Time.AddSeconds(50);
        var (query, matches) = filter switch
        {
            "none" => (new AuditQuery(), (Func<AuditRecord, bool>)(_ => true)),
            "username:alice" => (new AuditQuery { Username = "alice" }, r => r.UserIdentity.UserName == "alice"),
            "username:root" => (new AuditQuery { Username = "root" }, r => r.UserIdentity.Type == AuditIdentityType.Root),
            "username:session-1" => (new AuditQuery { Username = "session-1" }, r => r.UserIdentity.Arn?.EndsWith("/session-1", StringComparison.Ordinal) == true),
            "arn" => (new AuditQuery { PrincipalArn = target.UserIdentity.Arn }, r => r.UserIdentity.Arn == target.UserIdentity.Arn),
            "accessKey" => (new AuditQuery { AccessKeyId = "AKIABOBEXAMPLE" }, r => r.UserIdentity.AccessKeyId == "AKIABOBEXAMPLE"),
            "eventName" => (new AuditQuery { EventName = "GetObject" }, _ => true),
            "bucket" => (new AuditQuery { Bucket = "photos" }, r => Bucket(r) == "photos"),
            "bucketAndPrefix" => (new AuditQuery { Bucket = "team-data", KeyPrefix = "reports/" }, r => Bucket(r) == "team-data" && Key(r).StartsWith("reports/", StringComparison.Ordinal)),
            "prefixOnly" => (new AuditQuery { KeyPrefix = "images/" }, r => Key(r).StartsWith("images/", StringComparison.Ordinal)),
            "errorCode" => (new AuditQuery { ErrorCode = "AccessDenied" }, r => r.ErrorCode == "AccessDenied"),
            "sourceIp" => (new AuditQuery { SourceIpAddress = "198.51.100.9" }, r => r.SourceIPAddress == "198.51.100.9"),
            "eventId" => (new AuditQuery { EventId = target.EventId.ToString() }, r => r.EventId == target.EventId),
            "timeRange" => (new AuditQuery { StartTime = from, EndTime = to }, r => r.EventTime >= from && r.EventTime <= to),
            "combined" => (new AuditQuery { StartTime = from, EndTime = to, Bucket = "photos", ErrorCode = "AccessDenied" },
                r => r.EventTime >= from && r.EventTime <= to && Bucket(r) == "photos" && r.ErrorCode == "AccessDenied"),
            "readOnly" => (new AuditQuery { ReadOnly = false }, _ => false),
            "eventSource" => (new AuditQuery { EventSource = "s3.amazonaws.com" }, _ => true),
            "resourceType" => (new AuditQuery { ResourceType = "AWS::S3::Bucket" }, _ => true),
            "resourceName:bucket" => (new AuditQuery { ResourceName = "photos" }, r => Bucket(r) == "photos"),
            "resourceName:arn" => (new AuditQuery { ResourceName = $"arn:aws:s3:::{Bucket(target)}/{Key(target)}" }, r => Bucket(r) == Bucket(target) && Key(r) == Key(target)),
            "resourceTypeAndName" => (new AuditQuery { ResourceType = "AWS::S3::Object", ResourceName = $"{Bucket(target)}/{Key(target)}" }, r => Bucket(r) == Bucket(target) && Key(r) == Key(target)),
            "resourceAndTime" => (new AuditQuery { ResourceName = "team-data", StartTime = from, EndTime = to, ErrorCode = "AccessDenied" },
                r => Bucket(r) == "team-data" && r.EventTime >= from && r.EventTime <= to && r.ErrorCode == "AccessDenied"),
            _ => (new AuditQuery { Username = "nobody" }, _ => false),
        };

        var expected = _records.Where(matches).ToList();
        var found = new List<AuditLookupEvent>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _index.QueryAsync(query with { MaxResults = 7, NextToken = token }, CancellationToken.None);
            found.AddRange(page.Events);
            token = page.NextToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(expected.Select(r => r.EventId.ToString()).Order(), found.Select(e => e.EventId).Order());
        Assert.Equal(found.OrderByDescending(e => e.EventTime).Select(e => e.EventTime), found.Select(e => e.EventTime));
        Assert.Equal(Math.Max(1, (expected.Count + 6) / 7), pages);
    }

    [Fact]
    public async Task QueryAsync_ReturnsTheWholeRecordAndLookupEventsFields()
    {
        var target = _records[1];

        var found = Assert.Single((await _index.QueryAsync(new AuditQuery { EventId = target.EventId.ToString() }, CancellationToken.None)).Events);

        Assert.Equal(("GetObject", "s3.amazonaws.com", true, "session-1", "ASIAROLEEXAMPLE00001"), (found.EventName, found.EventSource, found.ReadOnly, found.Username, found.AccessKeyId));
        Assert.Equal(target.EventTime, found.EventTime);
        Assert.Equal(AuditRecordSerializer.Serialize(target), System.Text.Encoding.UTF8.GetBytes(found.CloudTrailEvent));
        Assert.Equal(
            [
                new AuditLookupResource("AWS::S3::Object", $"photos/{Key(target)}", $"arn:aws:s3:::photos/{Key(target)}"),
                new AuditLookupResource("AWS::S3::Bucket", "photos", "arn:aws:s3:::photos"),
            ],
            found.Resources);
    }

    [Theory]
    [InlineData("arn:aws:s3:::photos", "photos")]
    [InlineData("arn:aws:s3:::photos/a/b.jpg", "photos/a/b.jpg")]
    [InlineData("arn:aws:iam::123456789012:user/staff/alice", "alice")]
    [InlineData("arn:aws:iam::123456789012:role/Uploader", "Uploader")]
    [InlineData("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    public void ResourceName_IsTheBucketOrKeyOrIamNameOrTheArn(string arn, string name)
    {
        Assert.Equal(name, AuditLookupResource.NameOf(arn));
    }

    [Fact]
    public async Task QueryAsync_WithAForgedToken_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _index.QueryAsync(new AuditQuery { NextToken = "bm90LWEtdG9rZW4" }, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteOlderThan_RemovesOnlyOlderEvents()
    {
        var cutoff = TestRecords.Time.AddSeconds(40);

        _index.DeleteOlderThan(cutoff, CancellationToken.None);

        var left = await _index.QueryAsync(new AuditQuery { MaxResults = 1000 }, CancellationToken.None);
        Assert.Equal(_records.Count(r => r.EventTime >= cutoff), left.Events.Count);
        var byResource = await _index.QueryAsync(new AuditQuery { ResourceType = "AWS::S3::Bucket", MaxResults = 1000 }, CancellationToken.None);
        Assert.Equal(left.Events.Select(e => e.EventId), byResource.Events.Select(e => e.EventId));
    }

    [Fact]
    public async Task CatchUp_IndexesWhatTheJournalCommitted_AndResumesWhereItStopped()
    {
        using var directory = new TempDirectory();
        await using var database = SqliteDatabase.Open(directory.Combine("lookup.db"));
        await using var writer = Journal.Open(directory.Combine("segments"), maxSegmentBytes: 4096);
        var index = new AuditLookupIndex(database, writer);

        var first = await Journal.AppendAsync(writer, 7);
        Assert.Equal(7, index.CatchUp(CancellationToken.None));
        Assert.Equal(0, index.CatchUp(CancellationToken.None));

        var second = await Journal.AppendAsync(writer, 9);
        Assert.Equal(9, index.CatchUp(CancellationToken.None));

        var all = await index.QueryAsync(new AuditQuery { MaxResults = 100 }, CancellationToken.None);
        Assert.Equal(first.Concat(second).Select(r => r.EventId.ToString()).Order(), all.Events.Select(e => e.EventId).Order());
    }

    [Fact]
    public async Task IndexNext_FromSeveralThreadsAtOnce_IndexesEveryRecordOnce_InBoundedBatches()
    {
        using var directory = new TempDirectory();
        await using var database = SqliteDatabase.Open(directory.Combine("lookup.db"));
        await using var writer = Journal.Open(directory.Combine("segments"), maxSegmentBytes: 1024 * 1024);
        var index = new AuditLookupIndex(database, writer);
        var written = await Journal.AppendAsync(writer, AuditLookupIndex.Batch * 3 + 17);
        var committed = writer.Committed;

        var batches = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            int indexed;
            while ((indexed = index.IndexNext(committed, CancellationToken.None)) > 0)
            {
                batches.Add(indexed);
            }
        })));

        Assert.All(batches, b => Assert.InRange(b, 1, AuditLookupIndex.Batch));
        Assert.Equal(written.Count, batches.Sum());
        var all = await index.QueryAsync(new AuditQuery { MaxResults = AuditQuery.MaxPageSize }, CancellationToken.None);
        var ids = new List<string>(all.Events.Select(e => e.EventId));
        for (var next = all.NextToken; next is not null;)
        {
            var page = await index.QueryAsync(new AuditQuery { MaxResults = AuditQuery.MaxPageSize, NextToken = next }, CancellationToken.None);
            ids.AddRange(page.Events.Select(e => e.EventId));
            next = page.NextToken;
        }

        Assert.Equal(written.Select(r => r.EventId.ToString()).Order(), ids.Order());
    }

    [Fact]
    public async Task Lookups_ReadRetiredSegmentsFromTheHistory_AndPruningRemovesTheSegmentsNoBlockReads()
    {
        using var directory = new TempDirectory();
        var history = directory.Combine("history");
        await using var writer = Journal.Open(directory.Combine("segments"), maxSegmentBytes: 4096, history: history);
        await using var database = SqliteDatabase.Open(directory.Combine("lookup.db"));
        var index = new AuditLookupIndex(database, writer);
        var written = await Journal.AppendAsync(writer, 30, i => TestRecords.GetObject(TestRecords.Root(), "team-data", $"file-{i}", TestRecords.Time.AddMinutes(i)));
        Assert.Equal(30, index.CatchUp(CancellationToken.None));

        // Delivered: every closed segment leaves the journal for the history.
        var closed = writer.ClosedSegments();
        Assert.True(closed.Count >= 3, $"{closed.Count} closed segments");
        foreach (var segment in closed)
        {
            writer.RetireSegment(segment);
        }

        Assert.Equal(closed.Count, Directory.GetFiles(history, "*.seg").Length);
        var all = await index.QueryAsync(new AuditQuery { MaxResults = 100 }, CancellationToken.None);
        Assert.Equal(written.Select(r => AuditRecordSerializer.Serialize(r)).Reverse(), all.Events.Select(e => System.Text.Encoding.UTF8.GetBytes(e.CloudTrailEvent)));

        // A lost index is rebuilt from the history and the journal.
        await using (var rebuilt = SqliteDatabase.Open(directory.Combine("rebuilt.db")))
        {
            var again = new AuditLookupIndex(rebuilt, writer);
            Assert.Equal(30, again.CatchUp(CancellationToken.None));
            Assert.Equal(all.Events, (await again.QueryAsync(new AuditQuery { MaxResults = 100 }, CancellationToken.None)).Events, new LookupEventComparer());
        }

        index.DeleteOlderThan(TestRecords.Time.AddMinutes(20), CancellationToken.None);

        var left = await index.QueryAsync(new AuditQuery { MaxResults = 100 }, CancellationToken.None);
        Assert.Equal(written.Skip(20).Select(r => r.EventId.ToString()).Reverse(), left.Events.Select(e => e.EventId));
        var kept = AuditSegment.List(history).Select(s => s.Sequence).ToList();
        Assert.NotEmpty(kept);
        Assert.True(kept.Count < closed.Count, "segments holding only pruned records are removed");
        var newest = await index.QueryAsync(new AuditQuery { MaxResults = 100, StartTime = TestRecords.Time.AddMinutes(20) }, CancellationToken.None);
        Assert.Equal(10, newest.Events.Count);
    }

    [Fact]
    public async Task QueryAsync_LeavesOutARecordWhoseSegmentIsGone()
    {
        using var directory = new TempDirectory();
        await using var writer = Journal.Open(directory.Combine("segments"), maxSegmentBytes: 4096);
        await using var database = SqliteDatabase.Open(directory.Combine("lookup.db"));
        var index = new AuditLookupIndex(database, writer);
        await Journal.AppendAsync(writer, 10);
        index.CatchUp(CancellationToken.None);
        var first = writer.ClosedSegments()[0];

        // No history is kept: a retired segment is removed, and its records go with it.
        writer.RetireSegment(first);

        var left = await index.QueryAsync(new AuditQuery { MaxResults = 100 }, CancellationToken.None);
        Assert.InRange(left.Events.Count, 1, 9);
    }

    /// <summary>Lookup events compare by value, their resource lists included.</summary>
    private sealed class LookupEventComparer : IEqualityComparer<AuditLookupEvent>
    {
        public bool Equals(AuditLookupEvent? x, AuditLookupEvent? y) =>
            x is not null && y is not null && x with { Resources = [] } == y with { Resources = [] } && x.Resources.SequenceEqual(y.Resources);

        public int GetHashCode(AuditLookupEvent obj) => obj.EventId.GetHashCode(StringComparison.Ordinal);
    }

    private static string? Bucket(AuditRecord record) => (string?)record.RequestParameters?["bucketName"];

    private static string Key(AuditRecord record) => (string?)record.RequestParameters?["key"] ?? "";
}
