using Coffer.Storage.Blobs.FileSystem;
using Coffer.Storage.Buckets;
using Coffer.Storage.Objects;
using Coffer.Storage.Sqlite;
using static Coffer.Storage.Tests.TestObjects;

namespace Coffer.Storage.Tests.Tags;

public sealed class ObjectTagsStoreTests : IAsyncLifetime
{
    private static readonly KeyValuePair<string, string>[] Secret = [new("classification", "secret"), new("team", "blue")];
    private static readonly KeyValuePair<string, string>[] Public = [new("classification", "public")];

    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!;
    private ObjectStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(_directory.Combine("metadata.db"));
        _store = new ObjectStore(new SqliteMetadataStore(_database), new FileBlobStore(_directory.Combine("data")), TimeProvider.System);
        await _store.Metadata.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Put_WithTags_StoresThemInOrder()
    {
        await PutAsync("k", Secret);

        var stored = await _store.GetObjectAsync("b", "k", includeInlineData: false, default);
        Assert.Equal(Secret, stored.Tags);
    }

    [Fact]
    public async Task SetTags_OnTheCurrentVersion_MakesNoNewVersion()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var written = await PutAsync("k", []);

        var tagged = await _store.SetTagsAsync("b", "k", null, Secret, default);

        Assert.Equal(written.VersionId, tagged.VersionId);
        Assert.Equal(Secret, (await _store.GetObjectAsync("b", "k", includeInlineData: false, default)).Tags);
        Assert.Single((await _store.ListVersionsAsync("b", "", null, null, null, 1000, default)).Entries);
    }

    [Fact]
    public async Task Overwrite_KeepsTheOlderVersionsTags_AndSetTagsByIdChangesOnlyThatVersion()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var v1 = await PutAsync("k", Secret);
        var v2 = await PutAsync("k", Public);

        Assert.Equal(Secret, (await _store.GetObjectAsync("b", "k", v1.VersionId, includeInlineData: false, default)).Tags);
        Assert.Equal(Public, (await _store.GetObjectAsync("b", "k", includeInlineData: false, default)).Tags);

        await _store.SetTagsAsync("b", "k", v1.VersionId, [], default);

        Assert.Empty((await _store.GetObjectAsync("b", "k", v1.VersionId, includeInlineData: false, default)).Tags);
        Assert.Equal(Public, (await _store.GetObjectAsync("b", "k", v2.VersionId, includeInlineData: false, default)).Tags);
    }

    [Fact]
    public async Task DeletingTheCurrentVersion_BringsBackTheOlderOneWithItsTags()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        await PutAsync("k", Secret);
        var v2 = await PutAsync("k", Public);

        await _store.Metadata.DeleteObjectVersionAsync("b", "k", v2.VersionId!, WriteCondition.None, new Coffer.Storage.Locking.LockOverride(DateTimeOffset.UtcNow, false), default);

        Assert.Equal(Secret, (await _store.GetObjectAsync("b", "k", includeInlineData: false, default)).Tags);
    }

    [Fact]
    public async Task SetTags_OnAMissingKeyOrVersion_Throws()
    {
        var missingKey = await Assert.ThrowsAsync<StorageException>(() => _store.SetTagsAsync("b", "none", null, Secret, default));
        var missingVersion = await Assert.ThrowsAsync<StorageException>(() => _store.SetTagsAsync("b", "none", VersionIds.Next(), Secret, default));
        var missingBucket = await Assert.ThrowsAsync<StorageException>(() => _store.SetTagsAsync("nb", "k", null, Secret, default));

        Assert.Equal(StorageError.NoSuchKey, missingKey.Error);
        Assert.Equal(StorageError.NoSuchVersion, missingVersion.Error);
        Assert.Equal(StorageError.NoSuchBucket, missingBucket.Error);
    }

    [Fact]
    public async Task SetTags_OnADeleteMarker_LeavesItAlone()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        await PutAsync("k", []);
        await _store.Metadata.DeleteObjectAsync("b", "k", VersionIds.Next(), Time, WriteCondition.None, default);

        var marker = await _store.SetTagsAsync("b", "k", null, Secret, default);

        Assert.True(marker.IsDeleteMarker);
        Assert.Empty(marker.Tags);
    }

    [Fact]
    public async Task MultipartUpload_TagsLandOnTheCompletedObject()
    {
        var upload = await _store.CreateUploadAsync("b", "big", new ObjectHeaders(), null, null, null, Secret, null, false, default);
        var part = await _store.UploadPartAsync(upload, 1, new MemoryStream(new byte[10]), 10, null, null, null, default);

        var stored = await _store.GetUploadAsync("b", "big", upload.UploadId, default);
        var completed = await _store.CompleteUploadAsync(stored, [new Coffer.Storage.Multipart.CompletedPart(1, part.ETag)], WriteCondition.None, _ => null, default);

        Assert.Equal(Secret, stored.Tags);
        Assert.Equal(Secret, completed.Tags);
        Assert.Equal(Secret, (await _store.GetObjectAsync("b", "big", includeInlineData: false, default)).Tags);
    }

    private Task<ObjectInfo> PutAsync(string key, KeyValuePair<string, string>[] tags) =>
        _store.PutAsync(new PutObjectRequest { Bucket = "b", Key = key, Headers = new ObjectHeaders(), Tags = tags }, new MemoryStream([1, 2, 3]), default);
}
