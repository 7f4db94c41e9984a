using Coffer.Audit.Delivery;
using Coffer.Audit.Digests;
using Coffer.Audit.Segments;
using Coffer.Audit.Verification;
using Coffer.Crypto;
using Coffer.Protocol.Tests;
using Coffer.Storage.Sqlite;
using Coffer.Storage.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Audit.Tests;

/// <summary>
/// The delivery worker over a real journal and metadata database and a bucket in memory: what it
/// stores, and that a stop at any point between storing and bookkeeping neither duplicates nor loses.
/// </summary>
public sealed class AuditDeliveryTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly ManualClock _clock = new(TestRecords.Time);
    private readonly MemoryBucket _bucket = new();
    private MasterKey _masterKey = null!;
    private SqliteDatabase _database = null!;
    private AuditSegmentWriter _journal = null!;

    public Task InitializeAsync()
    {
        _masterKey = MasterKey.FromBase64(Convert.ToBase64String(new byte[32]));
        _database = SqliteDatabase.Open(_directory.Combine("metadata.db"));
        _journal = Journal.Open(_directory.Combine("segments"), _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _journal.DisposeAsync();
        await _database.DisposeAsync();
        _masterKey.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Schedule_EndsOnMultiplesOfTheInterval_AndOneDigestSpansADowntime()
    {
        var hour = TimeSpan.FromHours(1);
        var start = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 0, 0, TimeSpan.Zero), DigestSchedule.PeriodEnd(start, hour));
        Assert.Null(DigestSchedule.Due(start.AddMinutes(50), hour, start));
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 6, 0, 0, TimeSpan.Zero), DigestSchedule.Due(start.AddMinutes(54), hour, start));
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 9, 0, 0, TimeSpan.Zero), DigestSchedule.Due(start.AddHours(4), hour, start.AddMinutes(54)));
        Assert.False(DigestSchedule.IsValidInterval(TimeSpan.FromMilliseconds(1500)));
    }

    [Fact]
    public async Task Deliver_StoresEachSegmentOnceUnderItsCloudTrailKey_AndRemovesItOnlyAfterwards()
    {
        await Journal.AppendAsync(_journal, 3);
        var worker = Worker();

        await worker.DeliverAsync(CancellationToken.None);

        var key = Assert.Single(_bucket.Keys(k => k.Contains("/CloudTrail/", StringComparison.Ordinal)));
        Assert.StartsWith($"AWSLogs/{TestRecords.Account}/CloudTrail/us-east-1/2026/03/04/{TestRecords.Account}_CloudTrail_us-east-1_20260304T0506Z_", key, StringComparison.Ordinal);
        Assert.Empty(_journal.ClosedSegments());
        Assert.Single(_bucket.Keys(k => k.Contains("/CloudTrail-PublicKey/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Deliver_KeepsSegmentsTheLookupIndexHasNotRead_UntilItHas()
    {
        await Journal.AppendAsync(_journal, 3);
        long unread = 0;
        var worker = Worker(() => unread);

        await worker.DeliverAsync(CancellationToken.None);

        Assert.Empty(_bucket.Keys(k => k.Contains("/CloudTrail/", StringComparison.Ordinal)));
        var kept = Assert.Single(_journal.ClosedSegments());
        unread = kept.Sequence + 1;
        await worker.DeliverAsync(CancellationToken.None);
        Assert.Single(_bucket.Keys(k => k.Contains("/CloudTrail/", StringComparison.Ordinal)));
        Assert.Empty(_journal.ClosedSegments());
    }

    [Fact]
    public async Task Deliver_StopAfterStoringBeforeBookkeeping_DeliversOnce_AndTheDigestListsItOnce()
    {
        await Journal.AppendAsync(_journal, 3);
        _bucket.FailAfterNextPut = k => k.Contains("/CloudTrail/", StringComparison.Ordinal);
        await Assert.ThrowsAsync<IOException>(() => Worker().DeliverAsync(CancellationToken.None));
        Assert.Single(_journal.ClosedSegments());

        var worker = Worker();
        await worker.DeliverAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(1));
        await worker.DigestAsync(CancellationToken.None);

        var logFile = Assert.Single(_bucket.Keys(k => k.Contains("/CloudTrail/", StringComparison.Ordinal)));
        Assert.Equal(1, _bucket.Versions(logFile));
        Assert.Empty(_journal.ClosedSegments());
        var digest = AuditDigests.Parse(Trail.Gunzip(_bucket.Current(Assert.Single(_bucket.Keys(k => k.Contains("/CloudTrail-Digest/", StringComparison.Ordinal)))).Content));
        Assert.Equal(logFile, Assert.Single(digest.LogFiles).S3Object);
        Assert.Empty(Verify().Findings);
    }

    [Fact]
    public async Task Digest_StopAfterStoringBeforeBookkeeping_IsTakenUpAgain_NotMadeTwice()
    {
        await Journal.AppendAsync(_journal, 2);
        await Worker().DeliverAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(1));
        _bucket.FailAfterNextPut = k => k.Contains("/CloudTrail-Digest/", StringComparison.Ordinal);
        await Assert.ThrowsAsync<IOException>(() => Worker().DigestAsync(CancellationToken.None));

        // The restart comes an hour later: the interrupted digest keeps its period, the next follows it.
        _clock.Advance(TimeSpan.FromHours(1));
        var worker = Worker();
        await worker.DigestAsync(CancellationToken.None);
        await worker.DigestAsync(CancellationToken.None);

        var digests = _bucket.Keys(k => k.Contains("/CloudTrail-Digest/", StringComparison.Ordinal));
        Assert.Equal(2, digests.Count);
        Assert.All(digests, d => Assert.Equal(1, _bucket.Versions(d)));
        var report = Verify();
        Assert.Empty(report.Findings);
        Assert.Equal(2, report.DigestsChecked);
    }

    [Fact]
    public async Task Verify_ARecordOlderThanTheLastDigestDeliveredAfterIt_IsNotYetDigested_NotInserted()
    {
        var worker = Worker();
        await Journal.AppendAsync(_journal, 1);
        await worker.DeliverAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(1));
        await worker.DeliverAsync(CancellationToken.None);
        await worker.DigestAsync(CancellationToken.None);

        // A request that began before the digest's end and was journaled after it.
        await Journal.AppendAsync(_journal, 1, _ => TestRecords.GetObject(TestRecords.User("alice", "AKIAALICEEXAMPLE0001"), "team-data", "late.txt", TestRecords.Time.AddMinutes(10)));
        await worker.DeliverAsync(CancellationToken.None);

        var report = Verify();
        Assert.True(report.IsValid, string.Join('\n', report.Findings));
        Assert.Equal(AuditFindingKind.LogFileNotYetDigested, Assert.Single(report.Findings).Kind);
    }

    private AuditDeliveryWorker Worker(Func<long>? unreadFrom = null) => new(
        _journal,
        _bucket,
        new AuditDeliveryState(_database),
        new AuditSigningKeyStore(_database, _masterKey, _clock),
        new AuditDeliveryOptions { AccountId = TestRecords.Account, Region = "us-east-1", StagingDirectory = _directory.Combine("outgoing"), UnreadFrom = unreadFrom },
        _clock,
        NullLogger<AuditDeliveryWorker>.Instance);

    private AuditVerificationReport Verify()
    {
        var digests = _bucket.Keys(k => k.Contains("/CloudTrail-Digest/", StringComparison.Ordinal))
            .Select(k => new DeliveredDigest(_bucket.Name, k, _bucket.Current(k).Content, _bucket.Current(k).MetadataValue("signature"))).ToList();
        var logFiles = _bucket.Keys(k => k.Contains("/CloudTrail/", StringComparison.Ordinal))
            .Select(k => new DeliveredLogFile(_bucket.Name, k, _bucket.Current(k).Content)).ToList();
        var keys = new AuditSigningKeyStore(_database, _masterKey, _clock).ListPublicKeysAsync(CancellationToken.None).GetAwaiter().GetResult();
        return AuditVerifier.Verify(digests, logFiles, keys);
    }

    /// <summary>A versioned bucket in memory that can fail right after a write lands, as a crash would.</summary>
    private sealed class MemoryBucket : IAuditLogBucket
    {
        private readonly Dictionary<string, List<AuditBucketObject>> _objects = new(StringComparer.Ordinal);

        public string Name => "coffer-audit-logs";

        public Func<string, bool>? FailAfterNextPut { get; set; }

        public List<string> Keys(Func<string, bool> filter) => _objects.Keys.Where(filter).Order(StringComparer.Ordinal).ToList();

        public int Versions(string key) => _objects[key].Count;

        public AuditBucketObject Current(string key) => _objects[key][^1];

        public async Task<bool> PutAsync(string key, Stream content, string contentType, string? contentEncoding, IReadOnlyList<KeyValuePair<string, string>> metadata, bool mustNotExist, CancellationToken cancellationToken)
        {
            if (mustNotExist && _objects.ContainsKey(key))
            {
                return false;
            }

            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, cancellationToken);
            if (!_objects.TryGetValue(key, out var versions))
            {
                _objects[key] = versions = [];
            }

            versions.Add(new AuditBucketObject(copy.ToArray(), metadata.ToList()));
            if (FailAfterNextPut?.Invoke(key) == true)
            {
                FailAfterNextPut = null;
                throw new IOException("stopped right after the write");
            }

            return true;
        }

        public Task<AuditBucketObject?> GetAsync(string key, CancellationToken cancellationToken) =>
            Task.FromResult(_objects.TryGetValue(key, out var versions) ? versions[^1] : null);
    }
}
