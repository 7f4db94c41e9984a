using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using Coffer.Storage.Blobs.FileSystem;
using Coffer.Storage.Buckets;
using Coffer.Storage.Lifecycle;
using Coffer.Storage.Locking;
using Coffer.Storage.Objects;
using Coffer.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using static Coffer.Storage.Tests.TestObjects;

namespace Coffer.Storage.Tests.Lifecycle;

public sealed class LifecycleWorkerTests : IAsyncLifetime
{
    private const int Large = ObjectStore.InlineLimit + 1;

    private readonly TempDirectory _directory = new();
    private readonly ManualTime _time = new(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private SqliteDatabase _database = null!;
    private FileBlobStore _blobs = null!;
    private ObjectStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(_directory.Combine("metadata.db"));
        _blobs = new FileBlobStore(_directory.Combine("data"));
        _store = new ObjectStore(new SqliteMetadataStore(_database), _blobs, _time);
        await _store.Metadata.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Unversioned_ExpiredObjectsInScope_AreDeleted_OthersStay()
    {
        await ConfigureAsync(new LifecycleRule
        {
            Enabled = true,
            ExpirationDays = 1,
            Filter = new LifecycleFilter { Prefix = "logs/", Tags = [new("class", "temp")], ObjectSizeLessThan = 100, Shape = FilterShape.And },
        });
        await PutAsync("logs/old", new byte[10], [new("class", "temp")]);
        await PutAsync("logs/big", new byte[100], [new("class", "temp")]);
        await PutAsync("logs/kept", new byte[10], [new("class", "keep")]);
        await PutAsync("other/old", new byte[10], [new("class", "temp")]);

        Assert.Equal(0, (await RunAsync()).CurrentExpired);
        _time.Advance(TimeSpan.FromDays(2));
        var result = await RunAsync();

        Assert.Equal(1, result.CurrentExpired);
        Assert.Equal(["logs/big", "logs/kept", "other/old"], await KeysAsync());
    }

    [Fact]
    public async Task Disabled_RulesDoNothing()
    {
        await ConfigureAsync(new LifecycleRule { Enabled = false, ExpirationDays = 1 });
        await PutAsync("k", new byte[1]);
        _time.Advance(TimeSpan.FromDays(5));

        Assert.Equal(0, (await RunAsync()).Total);
        Assert.Equal(["k"], await KeysAsync());
    }

    [Fact]
    public async Task Versioned_ExpiredCurrentVersion_GetsADeleteMarker_AndItsDataStays()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        await ConfigureAsync(new LifecycleRule { Enabled = true, ExpirationDays = 1, Filter = new LifecycleFilter() });
        var written = await PutAsync("k", new byte[Large]);
        _time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(1, (await RunAsync()).CurrentExpired);

        var versions = await VersionsAsync();
        Assert.Equal([(true, true), (false, false)], versions.Select(v => (v.IsDeleteMarker, v.IsLatest)));
        Assert.Equal([written.BlobId], _blobs.EnumerateBlobIds());

        // A marker is not expired again.
        Assert.Equal(0, (await RunAsync()).CurrentExpired);
    }

    [Fact]
    public async Task Noncurrent_BeyondTheNewestKept_AreRemoved_AndTheirBlobsReleased()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        await ConfigureAsync(new LifecycleRule { Enabled = true, NoncurrentDays = 1, NewerNoncurrentVersions = 2, Filter = new LifecycleFilter() });
        var written = new List<ObjectInfo>();
        for (var i = 0; i < 5; i++)
        {
            written.Add(await PutAsync("k", new byte[Large]));
            _time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(0, (await RunAsync()).NoncurrentRemoved);
        _time.Advance(TimeSpan.FromDays(2));
        var result = await RunAsync();

        // Current, then the two newest noncurrent versions stay; the two oldest go.
        Assert.Equal(2, result.NoncurrentRemoved);
        Assert.Equal(written.Skip(2).Reverse().Select(w => w.VersionId), (await VersionsAsync()).Select(v => v.VersionId));
        Assert.Equal(written.Skip(2).Select(w => w.BlobId).Order(), _blobs.EnumerateBlobIds().Order());
    }

    [Fact]
    public async Task Noncurrent_CountsFromWhenTheSuccessorWasWritten()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        await ConfigureAsync(new LifecycleRule { Enabled = true, NoncurrentDays = 3, Filter = new LifecycleFilter() });
        await PutAsync("k", new byte[1]);
        _time.Advance(TimeSpan.FromDays(10));
        await PutAsync("k", new byte[2]);

        // Ten days old, but noncurrent only since just now.
        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, (await RunAsync()).NoncurrentRemoved);
        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, (await RunAsync()).NoncurrentRemoved);
        Assert.Single(await VersionsAsync());
    }

    [Fact]
    public async Task ExpiredDeleteMarker_IsRemoved_OnlyWhenNoVersionIsLeftBehindIt()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        await ConfigureAsync(new LifecycleRule { Enabled = true, ExpiredObjectDeleteMarker = true, HasExpiredObjectDeleteMarker = true, Filter = new LifecycleFilter() });
        await PutAsync("alone", new byte[1]);
        await _store.DeleteAsync("b", "alone", null, default);
        await PutAsync("backed", new byte[1]);
        await _store.DeleteAsync("b", "backed", null, default);

        // "alone" still has its data version behind the marker: nothing to do yet.
        Assert.Equal(0, (await RunAsync()).DeleteMarkersRemoved);
        var data = (await VersionsAsync()).Single(v => Encoding.UTF8.GetString(v.Key) == "alone" && !v.IsDeleteMarker);
        await _store.DeleteAsync("b", "alone", data.PublicVersionId, default);

        Assert.Equal(1, (await RunAsync()).DeleteMarkersRemoved);
        Assert.Equal(["backed", "backed"], (await VersionsAsync()).Select(v => Encoding.UTF8.GetString(v.Key)));
    }

    [Fact]
    public async Task AbortIncompleteMultipartUpload_AbortsOldUploadsUnderThePrefix()
    {
        await ConfigureAsync(new LifecycleRule { Enabled = true, AbortDaysAfterInitiation = 1, Filter = new LifecycleFilter { Prefix = "up/" } });
        var old = await _store.CreateUploadAsync("b", "up/old", new ObjectHeaders(), null, null, null, default);
        await _store.UploadPartAsync(old, 1, new MemoryStream(new byte[100]), null, null, null, null, default);
        var elsewhere = await _store.CreateUploadAsync("b", "down/old", new ObjectHeaders(), null, null, null, default);
        _time.Advance(TimeSpan.FromDays(2));
        var recent = await _store.CreateUploadAsync("b", "up/recent", new ObjectHeaders(), null, null, null, default);

        Assert.Equal(1, (await RunAsync()).UploadsAborted);

        var left = await _store.Metadata.ListUploadsAsync("b", "", null, null, 100, default);
        Assert.Equal([elsewhere.UploadId, recent.UploadId], left.Select(u => u.UploadId).Order());
        Assert.Empty(_blobs.EnumerateBlobIds());
    }

    [Fact]
    public async Task ManyKeys_AcrossPages_AreAllVisited()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        await ConfigureAsync(new LifecycleRule { Enabled = true, NoncurrentDays = 1, Filter = new LifecycleFilter() });
        var keys = LifecycleWorker.PageSize / 2 + 10;
        for (var i = 0; i < keys; i++)
        {
            await PutAsync($"k{i:D4}", new byte[1]);
            await PutAsync($"k{i:D4}", new byte[2]);
        }

        _time.Advance(TimeSpan.FromDays(3));

        Assert.Equal(keys, (await RunAsync()).NoncurrentRemoved);
        Assert.Equal(keys, (await VersionsAsync()).Count);
    }

    [Fact]
    public async Task AVersionTheStoreRefuses_IsSkipped_AndTheRestIsDone()
    {
        var refusing = RefusingStore.Wrap(_store.Metadata, "locked");
        var store = new ObjectStore(refusing, _blobs, _time);
        await store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        await ConfigureAsync(new LifecycleRule { Enabled = true, NoncurrentDays = 1, Filter = new LifecycleFilter() });
        foreach (var key in new[] { "a", "locked", "z" })
        {
            await PutAsync(key, new byte[1]);
            await PutAsync(key, new byte[2]);
        }

        _time.Advance(TimeSpan.FromDays(3));
        var result = await new LifecycleWorker(store, _time, NullLogger<LifecycleWorker>.Instance).RunOnceAsync(default);

        Assert.NotNull(result);
        Assert.Equal((2, 1), (result.NoncurrentRemoved, result.Skipped));
        Assert.Equal(["a", "locked", "locked", "z"], (await VersionsAsync()).Select(v => Encoding.UTF8.GetString(v.Key)));
    }

    [Fact]
    public async Task VersionsUnderObjectLock_AreLeftAlone_UntilTheirRetentionEnds()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        await ConfigureAsync(new LifecycleRule { Enabled = true, NoncurrentDays = 1, Filter = new LifecycleFilter() });
        var locked = await _store.PutAsync(
            new PutObjectRequest { Bucket = "b", Key = "k", Headers = new ObjectHeaders(), Retention = new ObjectRetention(RetentionMode.Compliance, _time.GetUtcNow().AddDays(10)) },
            new MemoryStream(new byte[Large]),
            default);
        await PutAsync("k", new byte[1]);
        _time.Advance(TimeSpan.FromDays(3));

        var refused = await RunAsync();

        Assert.Equal((0, 1), (refused.NoncurrentRemoved, refused.Skipped));
        Assert.Contains(locked.VersionId, (await VersionsAsync()).Select(v => v.VersionId));
        _time.Advance(TimeSpan.FromDays(8));
        Assert.Equal(1, (await RunAsync()).NoncurrentRemoved);
        Assert.DoesNotContain(locked.VersionId, (await VersionsAsync()).Select(v => v.VersionId));
    }

    [Fact]
    public async Task AVersionRewrittenSinceTheScan_IsNotDeleted()
    {
        var first = await PutAsync("k", new byte[1]);
        await PutAsync("k", new byte[2]);

        var result = await _store.DeleteAsync("b", "k", null, new WriteCondition(IfVersionId: first.VersionId), bypassGovernance: false, default);

        Assert.Null(result.Written);
        Assert.Equal(["k"], await KeysAsync());
    }

    [Fact]
    public async Task Passes_NeverOverlap()
    {
        var gate = new TaskCompletionSource();
        var blocking = RefusingStore.Wrap(_store.Metadata, refusedKey: null, gate.Task);
        var worker = new LifecycleWorker(new ObjectStore(blocking, _blobs, _time), _time, NullLogger<LifecycleWorker>.Instance);

        var first = worker.RunOnceAsync(default);
        var second = await worker.RunOnceAsync(default);
        gate.SetResult();

        Assert.Null(second);
        Assert.NotNull(await first);
    }

    [Fact]
    public async Task AnUnreadableConfiguration_DoesNotStopThePass()
    {
        await _store.Metadata.CreateBucketAsync(Bucket("a"), new Dictionary<string, string>(), default);
        await _store.Metadata.SetBucketConfigAsync("a", LifecycleConfiguration.ConfigName, "{not json", default);
        await ConfigureAsync(new LifecycleRule { Enabled = true, ExpirationDays = 1, Filter = new LifecycleFilter() });
        await PutAsync("k", new byte[1]);
        _time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(1, (await RunAsync()).CurrentExpired);
    }

    private Task ConfigureAsync(params LifecycleRule[] rules) =>
        _store.Metadata.SetBucketConfigAsync("b", LifecycleConfiguration.ConfigName, new LifecycleConfiguration { Rules = rules }.ToJson(), default);

    private async Task<LifecycleResult> RunAsync() =>
        await new LifecycleWorker(_store, _time, NullLogger<LifecycleWorker>.Instance).RunOnceAsync(default) ?? throw new InvalidOperationException("A pass was already running.");

    private Task<ObjectInfo> PutAsync(string key, byte[] data, IReadOnlyList<KeyValuePair<string, string>>? tags = null) =>
        _store.PutAsync(new PutObjectRequest { Bucket = "b", Key = key, Headers = new ObjectHeaders(), Tags = tags ?? [] }, new MemoryStream(data), default);

    private async Task<List<string>> KeysAsync() =>
        (await _store.ListAsync("b", new Coffer.Storage.Listing.ListQuery(string.Empty, null, null, 1000), default)).Entries.Select(e => Encoding.UTF8.GetString(e.Key)).ToList();

    private async Task<List<Coffer.Storage.Listing.VersionEntry>> VersionsAsync() =>
        (await _store.ListVersionsAsync("b", "", null, null, null, 1000, default)).Entries;


    /// <summary>
    /// The metadata store, except that removing a version of one key fails as object lock will
    /// make it fail, and listing buckets can be held until a gate opens.
    /// </summary>
    public class RefusingStore : DispatchProxy
    {
        private IMetadataStore _inner = null!;
        private string? _refusedKey;
        private Task _gate = Task.CompletedTask;

        public static IMetadataStore Wrap(IMetadataStore inner, string? refusedKey, Task? gate = null)
        {
            var proxy = Create<IMetadataStore, RefusingStore>();
            var refusing = (RefusingStore)(object)proxy;
            (refusing._inner, refusing._refusedKey, refusing._gate) = (inner, refusedKey, gate ?? Task.CompletedTask);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IMetadataStore.DeleteObjectVersionAsync) && (string?)args![1] == _refusedKey)
            {
                return Task.FromException<WriteResult>(new StorageException(StorageError.ObjectLocked));
            }

            if (targetMethod.Name == nameof(IMetadataStore.ListBucketsAsync))
            {
                return ListAfterGateAsync((CancellationToken)args![0]!);
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }

        private async Task<IReadOnlyList<BucketInfo>> ListAfterGateAsync(CancellationToken cancellationToken)
        {
            await _gate.ConfigureAwait(false);
            return await _inner.ListBucketsAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
