using System.Text;
using Coffer.Storage.Listing;
using Coffer.Storage.Multipart;
using Coffer.Storage.Objects;
using Coffer.Storage.Sqlite;
using static Coffer.Storage.Tests.TestObjects;

namespace Coffer.Storage.Tests.Sqlite;

public sealed class SqliteMetadataStoreTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!;
    private SqliteMetadataStore _store = null!;

    public Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(_directory.Combine("metadata.db"));
        _store = new SqliteMetadataStore(_database);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task CreateBucket_ThenGetAndList_ReturnTheBucket()
    {
        await _store.CreateBucketAsync(Bucket("zeta"), new Dictionary<string, string>(), default);
        await _store.CreateBucketAsync(Bucket("alpha"), new Dictionary<string, string>(), default);

        var bucket = await _store.GetBucketAsync("alpha", default);
        var all = await _store.ListBucketsAsync(default);

        Assert.Equal(Bucket("alpha"), bucket);
        Assert.Equal(["alpha", "zeta"], all.Select(b => b.Name));
        Assert.Null(await _store.GetBucketAsync("missing", default));
    }

    [Fact]
    public async Task CreateBucket_Twice_IsBucketAlreadyExists()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);

        var error = await Assert.ThrowsAsync<StorageException>(() => _store.CreateBucketAsync(Bucket("b") with { Region = "eu-west-1" }, new Dictionary<string, string>(), default));

        Assert.Equal(StorageError.BucketAlreadyExists, error.Error);
        Assert.Equal("us-east-1", (await _store.GetBucketAsync("b", default))!.Region);
    }

    [Fact]
    public async Task DeleteBucket_WithObjects_IsBucketNotEmptyAndKeepsTheBucket()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.PutObjectAsync(Object("b", "k"), WriteCondition.None, default);

        var error = await Assert.ThrowsAsync<StorageException>(() => _store.DeleteBucketAsync("b", default));

        Assert.Equal(StorageError.BucketNotEmpty, error.Error);
        Assert.NotNull(await _store.GetBucketAsync("b", default));
    }

    [Fact]
    public async Task DeleteBucket_WithAnUploadInProgress_IsBucketNotEmpty()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.CreateUploadAsync(
            new UploadInfo { UploadId = "u1", Bucket = "b", Key = "k", Initiated = Time, Headers = new ObjectHeaders() },
            default);

        var error = await Assert.ThrowsAsync<StorageException>(() => _store.DeleteBucketAsync("b", default));

        Assert.Equal(StorageError.BucketNotEmpty, error.Error);
    }

    [Fact]
    public async Task DeleteBucket_Empty_RemovesIt()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.PutObjectAsync(Object("b", "k"), WriteCondition.None, default);
        await _store.DeleteObjectAsync("b", "k", VersionIds.Next(), Time, WriteCondition.None, default);

        await _store.DeleteBucketAsync("b", default);

        Assert.Null(await _store.GetBucketAsync("b", default));
    }

    [Fact]
    public async Task DeleteBucket_Missing_IsNoSuchBucket()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => _store.DeleteBucketAsync("missing", default));

        Assert.Equal(StorageError.NoSuchBucket, error.Error);
    }

    [Fact]
    public async Task PutObject_ThenGet_RoundTripsEveryField()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        var info = new ObjectInfo
        {
            Bucket = "b",
            Key = "dir/\u00e9t\u00e9 \U0001F600.txt",
            Size = 5,
            ETag = "5d41402abc4b2a76b9719d911017c592",
            LastModified = Time,
            Headers = new ObjectHeaders
            {
                ContentType = "text/plain",
                ContentEncoding = "gzip",
                ContentDisposition = "attachment",
                ContentLanguage = "fr",
                CacheControl = "no-cache",
                Expires = "Thu, 01 Dec 1994 16:00:00 GMT",
                UserMetadata = [new("zeta", "1"), new("alpha", "two words")],
            },
            Checksum = new ObjectChecksum("CRC32C", "4waSgw=="),
            InlineData = "hello"u8.ToArray(),
            VersionId = VersionIds.Next(),
        };

        var replaced = await _store.PutObjectAsync(info, WriteCondition.None, default);
        var read = await _store.GetObjectAsync("b", info.Key, includeInlineData: true, default);

        Assert.Null(replaced.Previous);
        Assert.Empty(replaced.ReleasedBlobs);
        Assert.NotNull(read);
        Assert.Equal(info.Key, read.Key);
        Assert.Equal(5, read.Size);
        Assert.Equal(info.ETag, read.ETag);
        Assert.Equal(Time, read.LastModified);
        Assert.Equal("gzip", read.Headers.ContentEncoding);
        Assert.Equal("attachment", read.Headers.ContentDisposition);
        Assert.Equal("fr", read.Headers.ContentLanguage);
        Assert.Equal("no-cache", read.Headers.CacheControl);
        Assert.Equal("Thu, 01 Dec 1994 16:00:00 GMT", read.Headers.Expires);
        Assert.Equal(info.Headers.UserMetadata, read.Headers.UserMetadata);
        Assert.Equal(info.Checksum, read.Checksum);
        Assert.Null(read.BlobId);
        Assert.Equal("hello"u8.ToArray(), read.InlineData);
    }

    [Fact]
    public async Task GetObject_WithoutInlineData_LeavesTheContentOut()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.PutObjectAsync(Object("b", "k", inline: "data"u8.ToArray()), WriteCondition.None, default);

        var read = await _store.GetObjectAsync("b", "k", includeInlineData: false, default);

        Assert.NotNull(read);
        Assert.Null(read.InlineData);
        Assert.Equal(4, read.Size);
    }

    [Fact]
    public async Task GetObject_Missing_IsNull()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);

        Assert.Null(await _store.GetObjectAsync("b", "k", includeInlineData: true, default));
        Assert.Null(await _store.GetObjectAsync("other", "k", includeInlineData: true, default));
    }

    [Fact]
    public async Task PutObject_OverExisting_ReplacesItAndReturnsThePrevious()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        var blobId = new string('a', 32);
        await _store.PutObjectAsync(Object("b", "k", etag: "old", blobId: blobId), WriteCondition.None, default);

        var replaced = await _store.PutObjectAsync(Object("b", "k", etag: "new", inline: [1, 2, 3]), WriteCondition.None, default);
        var current = await _store.GetObjectAsync("b", "k", includeInlineData: true, default);

        Assert.Equal("old", replaced.Previous?.ETag);
        Assert.Equal(blobId, replaced.Previous?.BlobId);
        Assert.Equal([blobId], replaced.ReleasedBlobs);
        Assert.Equal("new", current?.ETag);
        Assert.Null(current?.BlobId);
        Assert.Equal([1, 2, 3], current?.InlineData);
        Assert.False(await _store.IsBlobReferencedAsync(blobId, default));
    }

    [Fact]
    public async Task PutObject_IntoMissingBucket_IsNoSuchBucket()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => _store.PutObjectAsync(Object("missing", "k"), WriteCondition.None, default));

        Assert.Equal(StorageError.NoSuchBucket, error.Error);
    }

    [Fact]
    public async Task DeleteObject_ReturnsTheRowOnceThenNull()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.PutObjectAsync(Object("b", "k", etag: "e1"), WriteCondition.None, default);

        var first = await _store.DeleteObjectAsync("b", "k", VersionIds.Next(), Time, WriteCondition.None, default);
        var second = await _store.DeleteObjectAsync("b", "k", VersionIds.Next(), Time, WriteCondition.None, default);

        Assert.Equal("e1", first.Previous?.ETag);
        Assert.Null(second.Previous);
        Assert.Empty(second.ReleasedBlobs);
        Assert.Null(await _store.GetObjectAsync("b", "k", includeInlineData: false, default));
    }

    [Fact]
    public async Task DeleteObject_InMissingBucket_IsNoSuchBucket()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => _store.DeleteObjectAsync("missing", "k", VersionIds.Next(), Time, WriteCondition.None, default));

        Assert.Equal(StorageError.NoSuchBucket, error.Error);
    }

    [Fact]
    public async Task PutObject_MustNotExist_OnExistingKey_IsPreconditionFailedAndKeepsTheOld()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.PutObjectAsync(Object("b", "k", etag: "old"), WriteCondition.None, default);

        var error = await Assert.ThrowsAsync<StorageException>(
            () => _store.PutObjectAsync(Object("b", "k", etag: "new"), new WriteCondition(MustNotExist: true), default));

        Assert.Equal(StorageError.PreconditionFailed, error.Error);
        Assert.Equal("old", (await _store.GetObjectAsync("b", "k", false, default))?.ETag);
    }

    [Fact]
    public async Task PutObject_MustNotExist_OnNewKey_Writes()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);

        await _store.PutObjectAsync(Object("b", "k", etag: "new"), new WriteCondition(MustNotExist: true), default);

        Assert.Equal("new", (await _store.GetObjectAsync("b", "k", false, default))?.ETag);
    }

    [Theory]
    [InlineData("old")]
    [InlineData("*")]
    public async Task PutObject_IfMatch_CurrentETag_Writes(string ifMatch)
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.PutObjectAsync(Object("b", "k", etag: "old"), WriteCondition.None, default);

        var replaced = await _store.PutObjectAsync(Object("b", "k", etag: "new"), new WriteCondition(IfMatchETag: ifMatch), default);

        Assert.Equal("old", replaced.Previous?.ETag);
        Assert.Equal("new", (await _store.GetObjectAsync("b", "k", false, default))?.ETag);
    }

    [Fact]
    public async Task PutObject_IfMatch_OtherETag_IsPreconditionFailedAndKeepsTheOld()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.PutObjectAsync(Object("b", "k", etag: "old"), WriteCondition.None, default);

        var error = await Assert.ThrowsAsync<StorageException>(
            () => _store.PutObjectAsync(Object("b", "k", etag: "new"), new WriteCondition(IfMatchETag: "stale"), default));

        Assert.Equal(StorageError.PreconditionFailed, error.Error);
        Assert.Equal("old", (await _store.GetObjectAsync("b", "k", false, default))?.ETag);
    }

    [Theory]
    [InlineData("some-etag")]
    [InlineData("*")]
    public async Task PutObject_IfMatch_OnMissingKey_IsNoSuchKey(string ifMatch)
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);

        var error = await Assert.ThrowsAsync<StorageException>(
            () => _store.PutObjectAsync(Object("b", "k"), new WriteCondition(IfMatchETag: ifMatch), default));

        Assert.Equal(StorageError.NoSuchKey, error.Error);
        Assert.Null(await _store.GetObjectAsync("b", "k", false, default));
    }

    [Fact]
    public async Task PutObject_ManyConcurrentMustNotExistOnOneKey_ExactlyOneWins()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);

        var attempts = Enumerable.Range(0, 40)
            .Select(i => _store.PutObjectAsync(Object("b", "contended", etag: $"e{i}"), new WriteCondition(MustNotExist: true), default))
            .ToList();
        var outcomes = await Task.WhenAll(attempts.Select(async t =>
        {
            try
            {
                await t;
                return (StorageError?)null;
            }
            catch (StorageException e)
            {
                return e.Error;
            }
        }));

        Assert.Single(outcomes, o => o is null);
        Assert.Equal(39, outcomes.Count(o => o == StorageError.PreconditionFailed));
    }

    [Fact]
    public async Task IsBlobReferenced_FollowsTheRows()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        var blobId = new string('c', 32);

        Assert.False(await _store.IsBlobReferencedAsync(blobId, default));
        await _store.PutObjectAsync(Object("b", "k", blobId: blobId), WriteCondition.None, default);
        Assert.True(await _store.IsBlobReferencedAsync(blobId, default));
        await _store.DeleteObjectAsync("b", "k", VersionIds.Next(), Time, WriteCondition.None, default);
        Assert.False(await _store.IsBlobReferencedAsync(blobId, default));
    }

    [Fact]
    public async Task KeyRange_ListsOnlyItsBucketInByteOrder()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.CreateBucketAsync(Bucket("other"), new Dictionary<string, string>(), default);
        foreach (var key in new[] { "\U0001F600", "\uFFFD", "\u00e9", "z", "a/1", "a/2", "A" })
        {
            await _store.PutObjectAsync(Object("b", key), WriteCondition.None, default);
        }

        await _store.PutObjectAsync(Object("other", "b"), WriteCondition.None, default);

        var page = await ObjectLister.ListAsync(_store.KeyRange("b"), new ListQuery("", "/", null, 1000), default);

        Assert.Equal(["A", "z", "\u00e9", "\uFFFD", "\U0001F600"], page.Entries.Select(e => Encoding.UTF8.GetString(e.Key)));
        Assert.Equal(["a/"], page.CommonPrefixes);
    }

    [Fact]
    public async Task KeyRange_ReturnsSizeETagAndTime()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.PutObjectAsync(Object("b", "k", etag: "abc", inline: [1, 2, 3, 4]), WriteCondition.None, default);

        var entry = Assert.Single(await _store.KeyRange("b").ReadAsync([], null, 10, default));

        Assert.Equal("k"u8.ToArray(), entry.Key);
        Assert.Equal(4, entry.Size);
        Assert.Equal("abc", entry.ETag);
        Assert.Equal(Time, entry.LastModified);
    }

    [Fact]
    public async Task KeyRange_HonoursFromToAndLimit()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        foreach (var key in new[] { "a", "b", "c", "d", "e" })
        {
            await _store.PutObjectAsync(Object("b", key), WriteCondition.None, default);
        }

        var range = await _store.KeyRange("b").ReadAsync("b"u8.ToArray(), "e"u8.ToArray(), 10, default);
        var limited = await _store.KeyRange("b").ReadAsync("b"u8.ToArray(), null, 2, default);

        Assert.Equal(["b", "c", "d"], range.Select(e => Encoding.UTF8.GetString(e.Key)));
        Assert.Equal(["b", "c"], limited.Select(e => Encoding.UTF8.GetString(e.Key)));
    }

    [Fact]
    public async Task List_ManyKeysUnderFewFolders_ReadsAboutOneRowPerFolderThroughSqlite()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _database.WriteAsync(connection =>
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO objects(bucket, key, size, etag, last_modified, headers) VALUES('b', $key, 0, 'e', 0, '{}')";
            var key = insert.Parameters.Add("$key", Microsoft.Data.Sqlite.SqliteType.Blob);
            insert.Prepare();
            for (var i = 0; i < 100_000; i++)
            {
                key.Value = Encoding.UTF8.GetBytes($"folder{i % 10}/object{i:D6}");
                insert.ExecuteNonQuery();
            }

            return true;
        }, default);

        var page = await ObjectLister.ListAsync(_store.KeyRange("b"), new ListQuery("", "/", null, 1000), default);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"folder{i}/"), page.CommonPrefixes);
        Assert.False(page.IsTruncated);
        Assert.True(page.RowsRead <= 20, $"Read {page.RowsRead} rows to list 10 common prefixes.");
    }

    [Fact]
    public async Task Reopen_KeepsCommittedData()
    {
        await _store.CreateBucketAsync(Bucket("b"), new Dictionary<string, string>(), default);
        await _store.PutObjectAsync(Object("b", "k", etag: "kept"), WriteCondition.None, default);
        await _database.DisposeAsync();

        _database = SqliteDatabase.Open(_directory.Combine("metadata.db"));
        _store = new SqliteMetadataStore(_database);

        Assert.NotNull(await _store.GetBucketAsync("b", default));
        Assert.Equal("kept", (await _store.GetObjectAsync("b", "k", false, default))?.ETag);
    }
}
