using System.Security.Cryptography;
using Coffer.Storage.Blobs.FileSystem;
using Coffer.Storage.Listing;
using Coffer.Storage.Objects;
using Coffer.Storage.Sqlite;
using static Coffer.Storage.Tests.TestObjects;

namespace Coffer.Storage.Tests;

public sealed class ObjectStoreTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly FixedTime _time = new(Time);
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
    public async Task Put_AtTheInlineLimit_StoresTheContentInTheRow()
    {
        var data = RandomBytes(ObjectStore.InlineLimit);

        var info = await PutAsync("k", data);

        Assert.Null(info.BlobId);
        Assert.Empty(_blobs.EnumerateBlobIds());
        var stored = await _store.GetObjectAsync("b", "k", includeInlineData: true, default);
        Assert.Equal(data, stored.InlineData);
        Assert.Equal(data, await ReadContentAsync(stored));
    }

    [Fact]
    public async Task Put_OneByteOverTheInlineLimit_StoresABlob()
    {
        var data = RandomBytes(ObjectStore.InlineLimit + 1);

        var info = await PutAsync("k", data);

        Assert.NotNull(info.BlobId);
        Assert.Equal([info.BlobId], _blobs.EnumerateBlobIds());
        var stored = await _store.GetObjectAsync("b", "k", includeInlineData: true, default);
        Assert.Null(stored.InlineData);
        Assert.Equal(info.BlobId, stored.BlobId);
        Assert.Equal(data, await ReadContentAsync(stored));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1024 * 1024 - 1)]
    [InlineData(1024 * 1024)]
    [InlineData(1024 * 1024 + 1)]
    [InlineData(3 * 1024 * 1024 + 17)]
    public async Task Put_AnySize_StoresExactlyTheBodyWithItsMd5ETag(int size)
    {
        var data = RandomBytes(size);

        var info = await PutAsync("k", new TrickleStream(data, 65_537), expectedLength: size);

        var stored = await _store.GetObjectAsync("b", "k", includeInlineData: true, default);
        Assert.Equal(size, stored.Size);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), stored.ETag);
        Assert.Equal(info.ETag, stored.ETag);
        Assert.Equal(Time, stored.LastModified);
        Assert.Equal(data, await ReadContentAsync(stored));
        Assert.Equal(size > ObjectStore.InlineLimit, stored.BlobId is not null);
    }

    [Fact]
    public async Task Put_EmptyBody_HasTheEmptyMd5()
    {
        var info = await PutAsync("k", []);

        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", info.ETag);
        Assert.Equal(0, info.Size);
    }

    [Fact]
    public async Task Put_StoresHeadersAndTheChecksumComputedAfterTheBody()
    {
        var headers = new ObjectHeaders { ContentType = "image/png", UserMetadata = [new("a", "1")] };
        var bodyRead = false;
        var body = new CallbackStream(RandomBytes(10), () => bodyRead = true);

        await _store.PutAsync(
            new PutObjectRequest
            {
                Bucket = "b",
                Key = "k",
                Headers = headers,
                ChecksumAfterBody = () =>
                {
                    Assert.True(bodyRead);
                    return new ObjectChecksum("CRC32", "AAAAAA==");
                },
            },
            body,
            default);

        var stored = await _store.GetObjectAsync("b", "k", false, default);
        Assert.Equal("image/png", stored.Headers.ContentType);
        Assert.Equal(headers.UserMetadata, stored.Headers.UserMetadata);
        Assert.Equal(new ObjectChecksum("CRC32", "AAAAAA=="), stored.Checksum);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(ObjectStore.InlineLimit + 100)]
    [InlineData(2 * 1024 * 1024)]
    public async Task Put_WithWrongContentMd5_IsBadDigestAndStoresNothing(int size)
    {
        var data = RandomBytes(size);
        var wrongMd5 = MD5.HashData(RandomBytes(size + 1));

        var error = await Assert.ThrowsAsync<StorageException>(() => PutAsync("k", data, md5: wrongMd5));

        Assert.Equal(StorageError.BadDigest, error.Error);
        await AssertNothingStoredAsync("k");
    }

    [Fact]
    public async Task Put_WithRightContentMd5_Stores()
    {
        var data = RandomBytes(ObjectStore.InlineLimit + 100);

        await PutAsync("k", data, md5: MD5.HashData(data));

        Assert.NotNull(await _store.Metadata.GetObjectAsync("b", "k", false, default));
    }

    [Theory]
    [InlineData(50, 100)]
    [InlineData(ObjectStore.InlineLimit + 10, ObjectStore.InlineLimit + 11)]
    [InlineData(2 * 1024 * 1024, 3 * 1024 * 1024)]
    [InlineData(0, 1)]
    public async Task Put_ShorterThanDeclared_IsIncompleteBodyAndStoresNothing(int actual, int declared)
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => PutAsync("k", RandomBytes(actual), expectedLength: declared));

        Assert.Equal(StorageError.IncompleteBody, error.Error);
        await AssertNothingStoredAsync("k");
    }

    [Fact]
    public async Task Put_LongerThanDeclared_IsRejectedAndStoresNothing()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => PutAsync("k", RandomBytes(2 * 1024 * 1024), expectedLength: 1024 * 1024));

        Assert.Equal(StorageError.IncompleteBody, error.Error);
        await AssertNothingStoredAsync("k");
    }

    [Fact]
    public async Task Put_OverMaxLength_IsEntityTooLargeAndStoresNothing()
    {
        var request = new PutObjectRequest { Bucket = "b", Key = "k", Headers = new ObjectHeaders(), MaxLength = 1024 * 1024 + 5 };

        var error = await Assert.ThrowsAsync<StorageException>(() => _store.PutAsync(request, new MemoryStream(RandomBytes(3 * 1024 * 1024)), default));

        Assert.Equal(StorageError.EntityTooLarge, error.Error);
        await AssertNothingStoredAsync("k");
    }

    [Fact]
    public async Task Put_BodyFailingMidway_PropagatesAndStoresNothing()
    {
        var body = new FailingStream(RandomBytes(3 * 1024 * 1024), failAfter: 1536 * 1024);

        await Assert.ThrowsAsync<IOException>(() => PutAsync("k", body));

        await AssertNothingStoredAsync("k");
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200_000)]
    public async Task Put_ChecksumCheckFailingAfterTheBody_StoresNothing(int size)
    {
        var request = new PutObjectRequest
        {
            Bucket = "b",
            Key = "k",
            Headers = new ObjectHeaders(),
            ChecksumAfterBody = () => throw new InvalidDataException("The trailing checksum does not match."),
        };

        await Assert.ThrowsAsync<InvalidDataException>(() => _store.PutAsync(request, new MemoryStream(RandomBytes(size)), default));

        await AssertNothingStoredAsync("k");
    }

    [Fact]
    public async Task Put_IntoMissingBucket_IsNoSuchBucketAndWritesNoBlob()
    {
        var request = new PutObjectRequest { Bucket = "missing", Key = "k", Headers = new ObjectHeaders() };

        var error = await Assert.ThrowsAsync<StorageException>(() => _store.PutAsync(request, new MemoryStream(RandomBytes(200_000)), default));

        Assert.Equal(StorageError.NoSuchBucket, error.Error);
        Assert.Empty(_blobs.EnumerateBlobIds());
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task Put_Overwrite_DeletesTheOldBlob()
    {
        var first = await PutAsync("k", RandomBytes(200_000));
        var replacement = RandomBytes(300_000);

        var second = await PutAsync("k", replacement);

        Assert.NotEqual(first.BlobId, second.BlobId);
        Assert.Equal([second.BlobId], _blobs.EnumerateBlobIds());
        Assert.Equal(replacement, await ReadContentAsync(await _store.GetObjectAsync("b", "k", true, default)));
    }

    [Fact]
    public async Task Put_OverwriteWithSmallObject_DeletesTheOldBlob()
    {
        await PutAsync("k", RandomBytes(200_000));

        var second = await PutAsync("k", [1, 2, 3]);

        Assert.Null(second.BlobId);
        Assert.Empty(_blobs.EnumerateBlobIds());
        Assert.Equal([1, 2, 3], (await _store.GetObjectAsync("b", "k", true, default)).InlineData);
    }

    [Fact]
    public async Task Put_FailingPrecondition_KeepsTheOldObjectAndRemovesTheNewBlob()
    {
        var original = RandomBytes(200_000);
        var first = await PutAsync("k", original);
        var request = new PutObjectRequest { Bucket = "b", Key = "k", Headers = new ObjectHeaders(), Condition = new WriteCondition(MustNotExist: true) };

        var error = await Assert.ThrowsAsync<StorageException>(() => _store.PutAsync(request, new MemoryStream(RandomBytes(300_000)), default));

        Assert.Equal(StorageError.PreconditionFailed, error.Error);
        Assert.Equal([first.BlobId], _blobs.EnumerateBlobIds());
        Assert.Equal(original, await ReadContentAsync(await _store.GetObjectAsync("b", "k", true, default)));
    }

    [Fact]
    public async Task Delete_RemovesTheRowAndTheBlob()
    {
        await PutAsync("k", RandomBytes(200_000));

        var deleted = await _store.DeleteAsync("b", "k", null, default);

        Assert.NotNull(deleted.Previous);
        await AssertNothingStoredAsync("k");
    }

    [Fact]
    public async Task GetObject_Missing_IsNoSuchKeyOrNoSuchBucket()
    {
        var noKey = await Assert.ThrowsAsync<StorageException>(() => _store.GetObjectAsync("b", "missing", false, default));
        var noBucket = await Assert.ThrowsAsync<StorageException>(() => _store.GetObjectAsync("missing", "k", false, default));

        Assert.Equal(StorageError.NoSuchKey, noKey.Error);
        Assert.Equal(StorageError.NoSuchBucket, noBucket.Error);
    }

    [Fact]
    public async Task OpenContent_AtAnOffset_StartsThere()
    {
        var small = RandomBytes(1000);
        var large = RandomBytes(200_000);
        await PutAsync("small", small);
        await PutAsync("large", large);

        var fromSmall = await ReadContentAsync(await _store.GetObjectAsync("b", "small", true, default), 990);
        var fromLarge = await ReadContentAsync(await _store.GetObjectAsync("b", "large", true, default), 199_000);

        Assert.Equal(small[990..], fromSmall);
        Assert.Equal(large[199_000..], fromLarge);
    }

    [Fact]
    public async Task OpenContent_OfAReplacedBlob_IsNull()
    {
        await PutAsync("k", RandomBytes(200_000));
        var stale = await _store.GetObjectAsync("b", "k", true, default);
        await PutAsync("k", RandomBytes(200_000));

        Assert.Null(await _store.OpenContentAsync(stale, 0, default));
    }

    [Fact]
    public async Task List_ThroughTheStore_UsesTheBucketsKeys()
    {
        await PutAsync("a/1", [1]);
        await PutAsync("a/2", [2]);
        await PutAsync("b", [3]);

        var page = await _store.ListAsync("b", new ListQuery("", "/", null, 1000), default);
        var missing = await Assert.ThrowsAsync<StorageException>(() => _store.ListAsync("missing", new ListQuery("", null, null, 10), default));

        Assert.Equal(["a/"], page.CommonPrefixes);
        Assert.Single(page.Entries);
        Assert.Equal(StorageError.NoSuchBucket, missing.Error);
    }

    [Fact]
    public async Task Recover_DeletesOrphanedBlobsAndStaleTempFilesButKeepsReferencedBlobs()
    {
        var kept = await PutAsync("k", RandomBytes(200_000));
        await using (var orphanWriter = _blobs.CreateWriter(5))
        {
            await orphanWriter.WriteAsync(new byte[5], default);
            await orphanWriter.CommitAsync(default);
        }

        await File.WriteAllBytesAsync(Path.Combine(_directory.Combine("data", "tmp"), "stale.tmp"), new byte[3]);

        var (temporary, orphaned) = await _store.RecoverAsync(default);

        Assert.Equal(1, temporary);
        Assert.Equal(1, orphaned);
        Assert.Equal([kept.BlobId], _blobs.EnumerateBlobIds());
        Assert.Empty(TempFiles());
        Assert.Equal(200_000, (await ReadContentAsync(await _store.GetObjectAsync("b", "k", true, default))).Length);
    }

    [Fact]
    public async Task Recover_WithNothingToDo_ChangesNothing()
    {
        var kept = await PutAsync("k", RandomBytes(200_000));

        var result = await _store.RecoverAsync(default);

        Assert.Equal((0, 0), result);
        Assert.Equal([kept.BlobId], _blobs.EnumerateBlobIds());
    }

    private Task<ObjectInfo> PutAsync(string key, byte[] data, byte[]? md5 = null, long? expectedLength = null) =>
        PutAsync(key, new MemoryStream(data), md5, expectedLength);

    private Task<ObjectInfo> PutAsync(string key, Stream body, byte[]? md5 = null, long? expectedLength = null) =>
        _store.PutAsync(
            new PutObjectRequest { Bucket = "b", Key = key, Headers = new ObjectHeaders(), ExpectedMd5 = md5, ExpectedLength = expectedLength },
            body,
            default);

    private async Task AssertNothingStoredAsync(string key)
    {
        Assert.Null(await _store.Metadata.GetObjectAsync("b", key, false, default));
        Assert.Empty(_blobs.EnumerateBlobIds());
        Assert.Empty(TempFiles());
    }

    private async Task<byte[]> ReadContentAsync(ObjectInfo info, long offset = 0)
    {
        await using var stream = await _store.OpenContentAsync(info, offset, default);
        Assert.NotNull(stream);
        var output = new MemoryStream();
        await stream.CopyToAsync(output);
        return output.ToArray();
    }

    private string[] TempFiles() => Directory.GetFiles(_directory.Combine("data", "tmp"));

    private static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>A body that arrives a few kilobytes at a time, as a network would deliver it.</summary>
    private sealed class TrickleStream(byte[] data, int piece) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, piece)], cancellationToken);
    }

    /// <summary>A body whose connection drops after <paramref name="failAfter"/> bytes.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= failAfter)
            {
                throw new IOException("The client went away.");
            }

            return base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, failAfter - Position)], cancellationToken);
        }
    }

    /// <summary>Runs a callback when the body has been read to its end.</summary>
    private sealed class CallbackStream(byte[] data, Action atEnd) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await base.ReadAsync(buffer, cancellationToken);
            if (n == 0)
            {
                atEnd();
            }

            return n;
        }
    }
}
