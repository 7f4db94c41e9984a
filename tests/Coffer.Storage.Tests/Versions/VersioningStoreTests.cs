using System.Text;
using Coffer.Storage.Blobs.FileSystem;
using Coffer.Storage.Buckets;
using Coffer.Storage.Objects;
using Coffer.Storage.Sqlite;
using Coffer.Storage.Versions;
using Microsoft.Data.Sqlite;
using static Coffer.Storage.Tests.TestObjects;

namespace Coffer.Storage.Tests.Versions;

public sealed class VersioningStoreTests : IAsyncLifetime
{
    private const int Large = ObjectStore.InlineLimit + 1;

    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!;
    private FileBlobStore _blobs = null!;
    private ObjectStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(_directory.Combine("metadata.db"));
        _blobs = new FileBlobStore(_directory.Combine("data"));
        _store = new ObjectStore(new SqliteMetadataStore(_database), _blobs, TimeProvider.System);
        await _store.Metadata.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Unversioned_Put_WritesTheNullVersionAndReplacesItInPlace()
    {
        var first = await PutAsync("k", Bytes(Large, 1));
        var second = await PutAsync("k", Bytes(Large, 2));

        Assert.True(second.IsNullVersion);
        Assert.Null(second.BucketVersioning);
        Assert.Equal("null", second.PublicVersionId);
        Assert.Equal([second.BlobId], _blobs.EnumerateBlobIds());
        Assert.Single(await ListAllAsync());
        Assert.NotEqual(first.BlobId, second.BlobId);
    }

    [Fact]
    public async Task Enabled_PutThreeTimes_KeepsEveryVersionReadable()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var written = new List<(ObjectInfo Info, byte[] Data)>();
        foreach (var (size, seed) in new[] { (10, 1), (Large, 2), (20, 3) })
        {
            var data = Bytes(size, seed);
            written.Add((await PutAsync("k", data), data));
        }

        Assert.All(written, w => Assert.False(w.Info.IsNullVersion));
        Assert.Equal(3, written.Select(w => w.Info.VersionId).Distinct().Count());
        foreach (var (info, data) in written)
        {
            var stored = await _store.GetObjectAsync("b", "k", info.VersionId, includeInlineData: true, default);
            Assert.Equal(data, await ReadAsync(stored));
        }

        Assert.Equal(written[2].Data, await ReadAsync(await _store.GetObjectAsync("b", "k", includeInlineData: true, default)));
        var versions = await ListAllAsync();
        Assert.Equal(written.Select(w => w.Info.VersionId).Reverse(), versions.Select(v => v.VersionId));
        Assert.Equal([true, false, false], versions.Select(v => v.IsLatest));
    }

    [Fact]
    public async Task Enabled_OverAnUnversionedObject_KeepsItAsTheNullVersion()
    {
        var old = await PutAsync("k", Bytes(Large, 1));
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);

        var current = await PutAsync("k", Bytes(5, 2));

        var kept = await _store.GetObjectAsync("b", "k", "null", includeInlineData: true, default);
        Assert.Equal(old.BlobId, kept.BlobId);
        Assert.Equal(Bytes(Large, 1), await ReadAsync(kept));
        Assert.Equal([current.VersionId, "null"], (await ListAllAsync()).Select(v => v.PublicVersionId));
    }

    [Fact]
    public async Task Enabled_Delete_WritesAMarker_AndDeletingTheMarkerRestoresTheObject()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var put = await PutAsync("k", Bytes(Large, 1));

        var deleted = await _store.DeleteAsync("b", "k", null, default);

        var marker = Assert.IsType<ObjectInfo>(deleted.Written);
        Assert.True(marker.IsDeleteMarker);
        Assert.False(marker.IsNullVersion);
        var error = await Assert.ThrowsAsync<StorageException>(() => _store.GetObjectAsync("b", "k", includeInlineData: false, default));
        Assert.Equal(StorageError.NoSuchKey, error.Error);
        Assert.True((await _store.GetObjectAsync("b", "k", null, includeInlineData: false, default)).IsDeleteMarker);
        Assert.Empty((await _store.ListAsync("b", new Coffer.Storage.Listing.ListQuery("", null, null, 1000), default)).Entries);
        Assert.Equal([put.BlobId], _blobs.EnumerateBlobIds());

        var removed = await _store.DeleteAsync("b", "k", marker.VersionId, default);

        Assert.True(removed.Written!.IsDeleteMarker);
        var restored = await _store.GetObjectAsync("b", "k", includeInlineData: true, default);
        Assert.Equal(put.VersionId, restored.VersionId);
        Assert.Equal(Bytes(Large, 1), await ReadAsync(restored));
    }

    [Fact]
    public async Task DeleteVersion_OfTheCurrentVersion_MakesTheNextNewestCurrentAndFreesOnlyItsBlob()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var first = await PutAsync("k", Bytes(Large, 1));
        var second = await PutAsync("k", Bytes(Large + 1, 2));

        await _store.DeleteAsync("b", "k", second.VersionId, default);

        var current = await _store.GetObjectAsync("b", "k", includeInlineData: true, default);
        Assert.Equal(first.VersionId, current.VersionId);
        Assert.Equal(Bytes(Large, 1), await ReadAsync(current));
        Assert.Equal([first.BlobId], _blobs.EnumerateBlobIds());
        var missing = await Assert.ThrowsAsync<StorageException>(() => _store.GetObjectAsync("b", "k", second.VersionId, includeInlineData: false, default));
        Assert.Equal(StorageError.NoSuchVersion, missing.Error);
    }

    [Fact]
    public async Task DeleteVersion_OfAnOlderVersion_LeavesTheCurrentOne()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var first = await PutAsync("k", Bytes(Large, 1));
        var second = await PutAsync("k", Bytes(3, 2));

        var removed = await _store.DeleteAsync("b", "k", first.VersionId, default);
        var again = await _store.DeleteAsync("b", "k", first.VersionId, default);

        Assert.Equal(first.VersionId, removed.Written!.VersionId);
        Assert.Null(again.Written);
        Assert.Equal(second.VersionId, (await _store.GetObjectAsync("b", "k", includeInlineData: false, default)).VersionId);
        Assert.Empty(_blobs.EnumerateBlobIds());
    }

    [Fact]
    public async Task Suspended_Put_ReplacesOnlyTheNullVersion()
    {
        await PutAsync("k", Bytes(Large, 1));
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var versioned = await PutAsync("k", Bytes(Large, 2));
        await _store.SetVersioningAsync("b", VersioningStatus.Suspended, default);

        var first = await PutAsync("k", Bytes(Large, 3));
        var second = await PutAsync("k", Bytes(Large, 4));

        Assert.True(second.IsNullVersion);
        Assert.Equal(VersioningStatus.Suspended, second.BucketVersioning);
        Assert.Equal(["null", versioned.VersionId], (await ListAllAsync()).Select(v => v.PublicVersionId));
        Assert.Equal(2, _blobs.EnumerateBlobIds().Count());
        Assert.Equal(Bytes(Large, 4), await ReadAsync(await _store.GetObjectAsync("b", "k", "null", includeInlineData: true, default)));
        Assert.Equal(Bytes(Large, 2), await ReadAsync(await _store.GetObjectAsync("b", "k", versioned.VersionId, includeInlineData: true, default)));
        Assert.NotEqual(first.BlobId, second.BlobId);
    }

    [Fact]
    public async Task Suspended_Delete_WritesANullMarkerInPlaceOfTheNullVersion()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var versioned = await PutAsync("k", Bytes(Large, 1));
        await _store.SetVersioningAsync("b", VersioningStatus.Suspended, default);
        await PutAsync("k", Bytes(Large, 2));

        var deleted = await _store.DeleteAsync("b", "k", null, default);

        Assert.True(deleted.Written!.IsDeleteMarker);
        Assert.True(deleted.Written.IsNullVersion);
        var versions = await ListAllAsync();
        Assert.Equal(["null", versioned.VersionId], versions.Select(v => v.PublicVersionId));
        Assert.True(versions[0].IsDeleteMarker);
        Assert.Equal([versioned.BlobId], _blobs.EnumerateBlobIds());
    }

    [Fact]
    public async Task ConditionalWrite_OverADeleteMarker_SeesNoObject()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        await PutAsync("k", Bytes(3, 1));
        await _store.DeleteAsync("b", "k", null, default);

        var written = await PutAsync("k", Bytes(3, 2), new WriteCondition(MustNotExist: true));

        Assert.False(written.IsDeleteMarker);
    }

    [Fact]
    public async Task OlderVersions_KeepTheirBlobsThroughRecovery()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var first = await PutAsync("k", Bytes(Large, 1));
        await PutAsync("k", Bytes(Large, 2));

        var (_, orphaned) = await _store.RecoverAsync(default);

        Assert.Equal(0, orphaned);
        Assert.True(await _store.Metadata.IsBlobReferencedAsync(first.BlobId!, default));
        Assert.Equal(Bytes(Large, 1), await ReadAsync(await _store.GetObjectAsync("b", "k", first.VersionId, includeInlineData: true, default)));
    }

    [Fact]
    public async Task DeleteBucket_WithOnlyOlderVersionsOrMarkers_IsBucketNotEmpty()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var put = await PutAsync("k", Bytes(3, 1));
        var marker = (await _store.DeleteAsync("b", "k", null, default)).Written!;
        await _store.DeleteAsync("b", "k", marker.VersionId, default);
        await PutAsync("k", Bytes(3, 1));
        await _store.DeleteAsync("b", "k", null, default);

        var error = await Assert.ThrowsAsync<StorageException>(() => _store.Metadata.DeleteBucketAsync("b", default));

        Assert.Equal(StorageError.BucketNotEmpty, error.Error);
        Assert.NotNull(put.VersionId);
    }

    [Fact]
    public async Task CompleteUpload_InAnEnabledBucket_MakesANewVersionAndKeepsTheOldParts()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var objects = new List<ObjectInfo>();
        for (var round = 0; round < 2; round++)
        {
            var upload = await _store.CreateUploadAsync("b", "k", new ObjectHeaders(), null, null, null, default);
            var part = await _store.UploadPartAsync(upload, 1, new MemoryStream(Bytes(100, round)), 100, null, null, null, default);
            objects.Add(await _store.CompleteUploadAsync(upload, [new Multipart.CompletedPart(1, part.ETag)], WriteCondition.None, _ => null, default));
        }

        Assert.NotEqual(objects[0].VersionId, objects[1].VersionId);
        Assert.Equal(2, _blobs.EnumerateBlobIds().Count());
        var old = await _store.GetObjectAsync("b", "k", objects[0].VersionId, includeInlineData: false, default);
        Assert.Equal(Bytes(100, 0), await ReadAsync(old));
    }

    [Fact]
    public async Task ListVersions_ManyVersionsOfOneKey_PagesInOrderReadingOnlyWhatItReturns()
    {
        await _store.SetVersioningAsync("b", VersioningStatus.Enabled, default);
        var ids = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            ids.Add((await PutAsync("k", Bytes(1, i))).VersionId!);
        }

        ids.Reverse();
        var seen = new List<string>();
        string? keyMarker = null, versionMarker = null;
        while (true)
        {
            var page = await _store.ListVersionsAsync("b", "", null, keyMarker, versionMarker, 70, default);
            Assert.True(page.RowsRead <= 71);
            seen.AddRange(page.Entries.Select(e => e.PublicVersionId));
            if (!page.IsTruncated)
            {
                break;
            }

            (keyMarker, versionMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }

        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task Migration_TurnsExistingObjectsIntoNullVersions()
    {
        var path = _directory.Combine("old.db");
        await using (var old = SqliteDatabase.Open(path))
        {
            old.Migrate(StorageSchema.Module, StorageSchema.Migrations.Take(4).ToList());
            await using var connection = new SqliteConnection($"Data Source={path}");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO buckets(name, created_at, region) VALUES('old', 0, 'us-east-1');
                INSERT INTO objects(bucket, key, size, etag, last_modified, headers, inline_data) VALUES('old', $key, 3, 'e', 0, '{}', x'010203');
                """;
            command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes("k"));
            command.ExecuteNonQuery();
        }

        await using var database = SqliteDatabase.Open(path);
        var store = new ObjectStore(new SqliteMetadataStore(database), _blobs, TimeProvider.System);
        var legacy = await store.GetObjectAsync("old", "k", "null", includeInlineData: true, default);
        Assert.True(legacy.IsNullVersion);
        Assert.Null((await store.GetBucketAsync("old", default)).Versioning);

        await store.SetVersioningAsync("old", VersioningStatus.Enabled, default);
        var next = await store.PutAsync(new PutObjectRequest { Bucket = "old", Key = "k", Headers = new ObjectHeaders() }, new MemoryStream([9]), default);

        var page = await store.ListVersionsAsync("old", "", null, null, null, 10, default);
        Assert.Equal([next.VersionId, "null"], page.Entries.Select(e => e.PublicVersionId));
        Assert.Equal([1, 2, 3], await ReadAsync(await store.GetObjectAsync("old", "k", "null", includeInlineData: true, default), store));
    }

    private Task<ObjectInfo> PutAsync(string key, byte[] data, WriteCondition? condition = null) =>
        _store.PutAsync(new PutObjectRequest { Bucket = "b", Key = key, Headers = new ObjectHeaders(), Condition = condition ?? WriteCondition.None }, new MemoryStream(data), default);

    private async Task<List<Coffer.Storage.Listing.VersionEntry>> ListAllAsync() =>
        (await _store.ListVersionsAsync("b", "", null, null, null, 1000, default)).Entries;

    private Task<byte[]> ReadAsync(ObjectInfo info) => ReadAsync(info, _store);

    private static async Task<byte[]> ReadAsync(ObjectInfo info, ObjectStore store)
    {
        await using var stream = await store.OpenContentAsync(info, 0, default);
        Assert.NotNull(stream);
        var output = new MemoryStream();
        await stream.CopyToAsync(output);
        return output.ToArray();
    }

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
