using System.Buffers;
using System.Security.Cryptography;
using Coffer.Storage.Blobs;
using Coffer.Storage.Buckets;
using Coffer.Storage.Listing;
using Coffer.Storage.Objects;

namespace Coffer.Storage;

/// <summary>
/// Objects as S3 sees them: streams bodies into blobs (small ones inline in the metadata store),
/// commits metadata only after the bytes are durable, and removes replaced blobs after the commit.
/// </summary>
public sealed class ObjectStore(IMetadataStore metadata, IBlobStore blobs, TimeProvider time)
{
    public const long MaxSinglePutSize = 5L * 1024 * 1024 * 1024;

    /// <summary>Objects up to this size live in the metadata row and share its commit instead of paying their own fsyncs.</summary>
    public const int InlineLimit = 64 * 1024;

    private const int BlockSize = 1024 * 1024;

    public IMetadataStore Metadata => metadata;

    public async Task<BucketInfo> GetBucketAsync(string bucket, CancellationToken cancellationToken) =>
        await metadata.GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false)
        ?? throw new StorageException(StorageError.NoSuchBucket);

    public async Task<ObjectInfo> GetObjectAsync(string bucket, string key, bool includeInlineData, CancellationToken cancellationToken)
    {
        var info = await metadata.GetObjectAsync(bucket, key, includeInlineData, cancellationToken).ConfigureAwait(false);
        if (info is not null)
        {
            return info;
        }

        await GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        throw new StorageException(StorageError.NoSuchKey);
    }

    /// <summary>
    /// Opens the content of <paramref name="info"/> positioned at <paramref name="offset"/>.
    /// Returns null when the object was replaced in between, so the caller can look it up again.
    /// </summary>
    public Stream? OpenContent(ObjectInfo info, long offset)
    {
        if (info.BlobId is null)
        {
            var data = info.InlineData ?? [];
            return new MemoryStream(data, (int)Math.Min(offset, data.Length), data.Length - (int)Math.Min(offset, data.Length), writable: false);
        }

        try
        {
            var stream = blobs.OpenRead(info.BlobId);
            stream.Seek(offset, SeekOrigin.Begin);
            return stream;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task<ObjectInfo> PutAsync(PutObjectRequest request, Stream body, CancellationToken cancellationToken)
    {
        await GetBucketAsync(request.Bucket, cancellationToken).ConfigureAwait(false);

        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        IBlobWriter? writer = null;
        try
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            long total = 0;
            byte[]? inline = null;
            while (true)
            {
                var read = await body.ReadAtLeastAsync(buffer.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > request.MaxLength)
                {
                    throw new StorageException(StorageError.EntityTooLarge);
                }

                md5.AppendData(buffer, 0, read);
                if (writer is null && total == read && read < BlockSize && read <= InlineLimit)
                {
                    inline = buffer.AsSpan(0, read).ToArray();
                    continue;
                }

                writer ??= blobs.CreateWriter(request.ExpectedLength);
                if (inline is not null)
                {
                    await writer.WriteAsync(inline, cancellationToken).ConfigureAwait(false);
                    inline = null;
                }

                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            if (request.ExpectedLength is { } expected && expected != total)
            {
                throw new StorageException(StorageError.IncompleteBody, "You did not provide the number of bytes specified by the Content-Length HTTP header.");
            }

            var digest = md5.GetHashAndReset();
            if (request.ExpectedMd5 is { } expectedMd5 && !CryptographicOperations.FixedTimeEquals(digest, expectedMd5))
            {
                throw new StorageException(StorageError.BadDigest, "The Content-MD5 you specified did not match what we received.");
            }

            var checksum = request.ChecksumAfterBody?.Invoke();
            var blobId = writer is null ? null : await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
            var info = new ObjectInfo
            {
                Bucket = request.Bucket,
                Key = request.Key,
                Size = total,
                ETag = Convert.ToHexStringLower(digest),
                LastModified = time.GetUtcNow(),
                Headers = request.Headers,
                Checksum = checksum,
                BlobId = blobId,
                InlineData = blobId is null ? inline ?? [] : null,
            };
            await CommitAsync(info, request.Condition, cancellationToken).ConfigureAwait(false);
            return info;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Commits a row whose blob (if any) is already durable; on failure the blob is removed.</summary>
    public async Task CommitAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken)
    {
        ObjectInfo? replaced;
        try
        {
            // Not cancellable: the blob is durable and the row must either commit or the blob go.
            replaced = await metadata.PutObjectAsync(info, condition, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            if (info.BlobId is not null)
            {
                blobs.Delete(info.BlobId);
            }

            throw;
        }

        if (replaced?.BlobId is { } old && old != info.BlobId)
        {
            blobs.Delete(old);
        }
    }

    public async Task<ObjectInfo?> DeleteAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var deleted = await metadata.DeleteObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        if (deleted?.BlobId is { } blobId)
        {
            blobs.Delete(blobId);
        }

        return deleted;
    }

    public async Task<ListPage> ListAsync(string bucket, ListQuery query, CancellationToken cancellationToken)
    {
        await GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        return await ObjectLister.ListAsync(metadata.KeyRange(bucket), query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes temporary files and blobs no object refers to (left by a crash between blob and metadata commits).</summary>
    public async Task<(int Temporary, int Orphaned)> RecoverAsync(CancellationToken cancellationToken)
    {
        var temporary = blobs.SweepTemporaryFiles();
        var orphaned = 0;
        foreach (var blobId in blobs.EnumerateBlobIds().ToList())
        {
            if (!await metadata.IsBlobReferencedAsync(blobId, cancellationToken).ConfigureAwait(false))
            {
                blobs.Delete(blobId);
                orphaned++;
            }
        }

        return (temporary, orphaned);
    }
}
