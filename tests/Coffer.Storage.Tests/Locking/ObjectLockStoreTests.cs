using Coffer.Storage.Blobs.FileSystem;
using Coffer.Storage.Buckets;
using Coffer.Storage.Locking;
using Coffer.Storage.Objects;
using Coffer.Storage.Sqlite;
using static Coffer.Storage.Tests.TestObjects;

namespace Coffer.Storage.Tests.Locking;

/// <summary>Object lock enforced where versions are removed: in the metadata transaction, whoever asks.</summary>
public sealed class ObjectLockStoreTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly ManualTime _clock = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private SqliteDatabase _database = null!;
    private ObjectStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(_directory.Combine("metadata.db"));
        _store = new ObjectStore(new SqliteMetadataStore(_database), new FileBlobStore(_directory.Combine("data")), _clock);
        await _store.Metadata.CreateBucketAsync(
            Bucket("b") with { Versioning = VersioningStatus.Enabled },
            new Dictionary<string, string> { ["object-lock"] = "enabled" },
            default);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task CreateBucket_WritesVersioningAndConfigurationInTheSameCommit()
    {
        Assert.Equal(VersioningStatus.Enabled, (await _store.GetBucketAsync("b", default)).Versioning);
        Assert.Equal("enabled", await _store.Metadata.GetBucketConfigAsync("b", "object-lock", default));
    }

    [Fact]
    public async Task SuspendingVersioning_UnderObjectLock_IsInvalidBucketState()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => _store.SetVersioningAsync("b", VersioningStatus.Suspended, default));

        Assert.Equal(StorageError.InvalidBucketState, error.Error);
        Assert.Equal(VersioningStatus.Enabled, (await _store.GetBucketAsync("b", default)).Versioning);
    }

    [Fact]
    public async Task SetObjectLockConfig_OnABucketWithoutVersioning_IsInvalidBucketState()
    {
        await _store.Metadata.CreateBucketAsync(Bucket("plain"), new Dictionary<string, string>(), default);

        var error = await Assert.ThrowsAsync<StorageException>(() => _store.Metadata.SetObjectLockConfigAsync("plain", "enabled", default));

        Assert.Equal(StorageError.InvalidBucketState, error.Error);
        Assert.Null(await _store.Metadata.GetBucketConfigAsync("plain", "object-lock", default));
    }

    [Fact]
    public async Task ComplianceVersion_CannotBeRemoved_UntilItsRetentionEnds_EvenWithTheBypass()
    {
        var locked = await PutAsync("k", new ObjectRetention(RetentionMode.Compliance, _clock.GetUtcNow().AddDays(1)));
        await PutAsync("k", null);

        var error = await Assert.ThrowsAsync<StorageException>(() => _store.DeleteAsync("b", "k", locked.VersionId, WriteCondition.None, bypassGovernance: true, default));
        Assert.Equal(StorageError.ObjectLocked, error.Error);
        Assert.Equal(locked.Retention, (await _store.GetObjectAsync("b", "k", locked.VersionId, false, default)).Retention);

        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        var removed = await _store.DeleteAsync("b", "k", locked.VersionId, default);
        Assert.Equal(locked.VersionId, removed.Written!.VersionId);
    }

    [Fact]
    public async Task CurrentGovernanceVersion_IsRemovedOnlyWithTheBypass_AndTheNextOneIsPromoted()
    {
        var older = await PutAsync("k", null);
        var locked = await PutAsync("k", new ObjectRetention(RetentionMode.Governance, _clock.GetUtcNow().AddHours(1)));

        await Assert.ThrowsAsync<StorageException>(() => _store.DeleteAsync("b", "k", locked.VersionId, default));
        Assert.Equal(locked.VersionId, (await _store.GetObjectAsync("b", "k", false, default)).VersionId);

        await _store.DeleteAsync("b", "k", locked.VersionId, WriteCondition.None, bypassGovernance: true, default);
        Assert.Equal(older.VersionId, (await _store.GetObjectAsync("b", "k", false, default)).VersionId);
    }

    [Fact]
    public async Task LegalHold_BlocksRemovalUntilLifted_AndADeleteMarkerIsAlwaysAllowed()
    {
        var held = await _store.PutAsync(new PutObjectRequest { Bucket = "b", Key = "k", Headers = new ObjectHeaders(), LegalHold = true }, new MemoryStream([1]), default);

        var marker = await _store.DeleteAsync("b", "k", null, default);
        Assert.True(marker.Written!.IsDeleteMarker);
        await Assert.ThrowsAsync<StorageException>(() => _store.DeleteAsync("b", "k", held.VersionId, WriteCondition.None, bypassGovernance: true, default));

        var lifted = await _store.SetLockAsync("b", "k", held.VersionId, (version, _) => version with { LegalHold = false }, default);
        Assert.False(lifted.LegalHold);
        await _store.DeleteAsync("b", "k", held.VersionId, default);
        await Assert.ThrowsAsync<StorageException>(() => _store.GetObjectAsync("b", "k", held.VersionId, false, default));
    }

    [Fact]
    public async Task SetLock_RefusedByTheChange_LeavesTheVersionAsItWas()
    {
        var retention = new ObjectRetention(RetentionMode.Governance, _clock.GetUtcNow().AddHours(1));
        var locked = await PutAsync("k", retention);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.SetLockAsync("b", "k", locked.VersionId, (_, _) => throw new InvalidOperationException("refused"), default));

        Assert.Equal(retention, (await _store.GetObjectAsync("b", "k", locked.VersionId, false, default)).Retention);
    }

    [Fact]
    public async Task Retention_IsKeptWhenTheVersionBecomesNoncurrent()
    {
        var retention = new ObjectRetention(RetentionMode.Compliance, _clock.GetUtcNow().AddDays(3));
        var locked = await PutAsync("k", retention);
        await PutAsync("k", null);

        var archived = await _store.GetObjectAsync("b", "k", locked.VersionId, false, default);

        Assert.Equal(retention, archived.Retention);
    }

    private Task<ObjectInfo> PutAsync(string key, ObjectRetention? retention) =>
        _store.PutAsync(new PutObjectRequest { Bucket = "b", Key = key, Headers = new ObjectHeaders(), Retention = retention }, new MemoryStream([1, 2, 3]), default);
}
