using System.Buffers;
using System.Security.Cryptography;
using Coffer.Storage.Blobs;
using Coffer.Storage.Buckets;
using Coffer.Storage.Listing;
using Coffer.Storage.Locking;
using Coffer.Storage.Multipart;
using Coffer.Storage.Objects;
using Coffer.Storage.Versions;

namespace Coffer.Storage;

/// <summary>
/// Objects as S3 sees them: streams bodies into blobs (small ones inline in the metadata store),
/// commits metadata only after the bytes are durable, and removes replaced blobs after the commit.
/// </summary>
public sealed class ObjectStore
{
    public const long MaxSinglePutSize = 5L * 1024 * 1024 * 1024;
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;
    public const long MinPartSize = 5L * 1024 * 1024;
    public const int MaxPartNumber = 10_000;

    /// <summary>Objects up to this size live in the metadata row and share its commit instead of paying their own fsyncs.</summary>
    public const int InlineLimit = 64 * 1024;

    private const int BlockSize = 1024 * 1024;

    private readonly IMetadataStore _metadata;
    private readonly IBlobStore _blobs;
    private readonly TimeProvider _time;
    private readonly BlobLeases _leases;
    private readonly VersionIds _versionIds;

    public ObjectStore(IMetadataStore metadata, IBlobStore blobs, TimeProvider time)
    {
        _metadata = metadata;
        _blobs = blobs;
        _time = time;
        _leases = new BlobLeases(blobs);
        _versionIds = new VersionIds(time);
    }

    public IMetadataStore Metadata => _metadata;

    public async Task<BucketInfo> GetBucketAsync(string bucket, CancellationToken cancellationToken) =>
        await _metadata.GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false)
        ?? throw new StorageException(StorageError.NoSuchBucket);

    /// <summary>The current version of the key; <see cref="StorageError.NoSuchKey"/> when there is none or it is a delete marker.</summary>
    public async Task<ObjectInfo> GetObjectAsync(string bucket, string key, bool includeInlineData, CancellationToken cancellationToken)
    {
        var info = await GetObjectAsync(bucket, key, null, includeInlineData, cancellationToken).ConfigureAwait(false);
        return info.IsDeleteMarker ? throw new StorageException(StorageError.NoSuchKey) : info;
    }

    /// <summary>
    /// The current version (<paramref name="versionId"/> null) or the named one ("null" for the null
    /// version); either may be a delete marker. <see cref="StorageError.NoSuchKey"/> or
    /// <see cref="StorageError.NoSuchVersion"/> when there is none.
    /// </summary>
    public async Task<ObjectInfo> GetObjectAsync(string bucket, string key, string? versionId, bool includeInlineData, CancellationToken cancellationToken)
    {
        var info = versionId is null
            ? await _metadata.GetObjectAsync(bucket, key, includeInlineData, cancellationToken).ConfigureAwait(false)
            : await _metadata.GetObjectVersionAsync(bucket, key, versionId, includeInlineData, cancellationToken).ConfigureAwait(false);
        if (info is not null)
        {
            return info;
        }

        await GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        throw versionId is null
            ? new StorageException(StorageError.NoSuchKey)
            : new StorageException(StorageError.NoSuchVersion, "The specified version does not exist.");
    }

    /// <summary>
    /// Replaces the tags of the current version or the named one, without making a new version.
    /// A delete marker is returned as it is, for the caller to refuse; <see cref="StorageError.NoSuchKey"/>
    /// or <see cref="StorageError.NoSuchVersion"/> when there is none.
    /// </summary>
    public Task<ObjectInfo> SetTagsAsync(string bucket, string key, string? versionId, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken) =>
        UpdateVersionAsync(bucket, key, versionId, version => version with { Tags = tags }, cancellationToken);

    /// <summary>
    /// Changes the retention or legal hold of the current version or the named one in place, as
    /// <paramref name="change"/> decides from the version and the time now (it may throw to refuse).
    /// A delete marker is returned as it is; <see cref="StorageError.NoSuchKey"/> or
    /// <see cref="StorageError.NoSuchVersion"/> when there is none.
    /// </summary>
    public Task<ObjectInfo> SetLockAsync(string bucket, string key, string? versionId, Func<ObjectInfo, DateTimeOffset, ObjectInfo> change, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return UpdateVersionAsync(bucket, key, versionId, version => change(version, now), cancellationToken);
    }

    private async Task<ObjectInfo> UpdateVersionAsync(string bucket, string key, string? versionId, Func<ObjectInfo, ObjectInfo> change, CancellationToken cancellationToken) =>
        await _metadata.UpdateVersionAsync(bucket, key, versionId, change, cancellationToken).ConfigureAwait(false)
        ?? throw (versionId is null
            ? new StorageException(StorageError.NoSuchKey)
            : new StorageException(StorageError.NoSuchVersion, "The specified version does not exist."));

    public Task SetVersioningAsync(string bucket, VersioningStatus status, CancellationToken cancellationToken) =>
        _metadata.SetBucketVersioningAsync(bucket, status, cancellationToken);

    /// <summary>
    /// Opens the content of <paramref name="info"/> positioned at <paramref name="offset"/>.
    /// Returns null when the object was replaced in between, so the caller can look it up again.
    /// </summary>
    public Task<Stream?> OpenContentAsync(ObjectInfo info, long offset, CancellationToken cancellationToken) =>
        OpenContentAsync(info, offset, info.Size - 1, null, cancellationToken);

    /// <summary>
    /// Opens bytes <paramref name="start"/> to <paramref name="end"/> (inclusive) of the content of
    /// <paramref name="info"/>; sealed content (objects and parts with <c>Encryption</c>) is read
    /// through <paramref name="opener"/>. Returns null when the object was replaced in between, so
    /// the caller can look it up again.
    /// </summary>
    public async Task<Stream?> OpenContentAsync(ObjectInfo info, long start, long end, IContentOpener? opener, CancellationToken cancellationToken)
    {
        if (info.UploadId is not null)
        {
            var parts = await _metadata.GetObjectPartsAsync(info.UploadId, cancellationToken).ConfigureAwait(false);
            var lease = _leases.Acquire(parts.Select(p => p.BlobId).ToList());

            // Blobs are deleted only after the commit that removes their version, so if the version is
            // still this upload now that the parts are leased, none of them can go away mid-read.
            var current = info.VersionId is null
                ? await _metadata.GetObjectAsync(info.Bucket, info.Key, includeInlineData: false, cancellationToken).ConfigureAwait(false)
                : await _metadata.GetObjectVersionAsync(info.Bucket, info.Key, info.PublicVersionId, includeInlineData: false, cancellationToken).ConfigureAwait(false);
            if (current?.UploadId != info.UploadId || parts.Count != info.PartsCount)
            {
                lease.Dispose();
                return null;
            }

            var stream = new PartsReadStream(parts, start, end, (part, partStart, partEnd, ct) => OpenAsync(part.Encryption, part.Size, partStart, partEnd, opener, offset => OpenBlob(part.BlobId, offset), ct), lease);
            try
            {
                await stream.OpenFirstPartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return stream;
        }

        if (info.BlobId is null)
        {
            var data = info.InlineData ?? [];
            return await OpenAsync(info.Encryption, info.Size, start, end, opener, offset =>
            {
                var from = (int)Math.Min(offset, data.Length);
                return new MemoryStream(data, from, data.Length - from, writable: false);
            }, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await OpenAsync(info.Encryption, info.Size, start, end, opener, offset => OpenBlob(info.BlobId, offset), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static ValueTask<Stream> OpenAsync(string? encryption, long length, long start, long end, IContentOpener? opener, Func<long, Stream> openStored, CancellationToken cancellationToken)
    {
        if (encryption is null)
        {
            return ValueTask.FromResult(openStored(start));
        }

        return opener is null
            ? throw new InvalidOperationException("Sealed content needs an opener.")
            : opener.OpenAsync(encryption, length, start, end, openStored, cancellationToken);
    }

    private Stream OpenBlob(string blobId, long offset)
    {
        var stream = _blobs.OpenRead(blobId);
        stream.Seek(offset, SeekOrigin.Begin);
        return stream;
    }

    public async Task<ObjectInfo> PutAsync(PutObjectRequest request, Stream body, CancellationToken cancellationToken)
    {
        await GetBucketAsync(request.Bucket, cancellationToken).ConfigureAwait(false);
        await using var written = await WriteBodyAsync(body, request.ExpectedLength, request.MaxLength, request.ExpectedMd5, allowInline: true, request.Sealer, cancellationToken).ConfigureAwait(false);
        var checksum = request.ChecksumAfterBody?.Invoke();
        var blobId = await written.CommitAsync(cancellationToken).ConfigureAwait(false);
        var info = new ObjectInfo
        {
            Bucket = request.Bucket,
            Key = request.Key,
            Size = written.Size,
            ETag = Convert.ToHexStringLower(written.Md5),
            LastModified = _time.GetUtcNow(),
            Headers = request.Headers,
            Checksum = checksum,
            BlobId = blobId,
            InlineData = blobId is null ? written.Inline : null,
            Encryption = request.Sealer?.Metadata,
            Tags = request.Tags,
            Retention = request.Retention,
            LegalHold = request.LegalHold,
            VersionId = _versionIds.Next(),
        };
        return await CommitAsync(info, request.Condition, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits a row whose blob (if any) is already durable; on failure the blob is removed. Returns the row as stored.</summary>
    private async Task<ObjectInfo> CommitAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken)
    {
        WriteResult result;
        try
        {
            // Not cancellable: the blob is durable and the row must either commit or the blob go.
            result = await _metadata.PutObjectAsync(info, condition, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            if (info.BlobId is not null)
            {
                _blobs.Delete(info.BlobId);
            }

            throw;
        }

        Release(result.ReleasedBlobs);
        return result.Written ?? info;
    }

    /// <summary>
    /// Without <paramref name="versionId"/>, deletes the key as the bucket's versioning says
    /// (<see cref="WriteResult.Written"/> is the delete marker, if one was written); with it,
    /// removes that version for good (<see cref="WriteResult.Written"/> is what was removed).
    /// </summary>
    public Task<WriteResult> DeleteAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken) =>
        DeleteAsync(bucket, key, versionId, WriteCondition.None, bypassGovernance: false, cancellationToken);

    /// <summary>
    /// As <see cref="DeleteAsync(string, string, string?, CancellationToken)"/>, doing nothing when
    /// <paramref name="condition"/> excludes the version it would remove or supersede. A version
    /// under object lock is refused with <see cref="StorageError.ObjectLocked"/>, unless only
    /// governance retention protects it and <paramref name="bypassGovernance"/> is set.
    /// </summary>
    public async Task<WriteResult> DeleteAsync(string bucket, string key, string? versionId, WriteCondition condition, bool bypassGovernance, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var result = versionId is null
            ? await _metadata.DeleteObjectAsync(bucket, key, _versionIds.Next(), now, condition, cancellationToken).ConfigureAwait(false)
            : await _metadata.DeleteObjectVersionAsync(bucket, key, versionId, condition, new LockOverride(now, bypassGovernance), cancellationToken).ConfigureAwait(false);
        Release(result.ReleasedBlobs);
        return result;
    }

    /// <summary>ListObjectVersions; <paramref name="versionIdMarker"/> as clients send it ("null" or an id).</summary>
    public async Task<VersionListPage> ListVersionsAsync(string bucket, string prefix, string? delimiter, string? keyMarker, string? versionIdMarker, int maxKeys, CancellationToken cancellationToken)
    {
        await GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        var versionMarker = versionIdMarker;
        if (keyMarker is not null && versionIdMarker == VersionIds.Null)
        {
            // The null version sorts by its hidden id; gone since the last page, continue after its key.
            var nullVersion = await _metadata.GetObjectVersionAsync(bucket, keyMarker, VersionIds.Null, includeInlineData: false, cancellationToken).ConfigureAwait(false);
            versionMarker = nullVersion is null ? null : nullVersion.VersionId ?? string.Empty;
        }

        var query = new VersionListQuery(prefix, delimiter, keyMarker, keyMarker is null ? null : versionMarker, maxKeys);
        return await VersionLister.ListAsync(_metadata.VersionRange(bucket), query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ListPage> ListAsync(string bucket, ListQuery query, CancellationToken cancellationToken)
    {
        await GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        return await ObjectLister.ListAsync(_metadata.KeyRange(bucket), query, cancellationToken).ConfigureAwait(false);
    }

    public Task<UploadInfo> CreateUploadAsync(string bucket, string key, ObjectHeaders headers, string? checksumAlgorithm, string? checksumType, string? encryption, CancellationToken cancellationToken) =>
        CreateUploadAsync(bucket, key, headers, checksumAlgorithm, checksumType, encryption, [], null, false, cancellationToken);

    public async Task<UploadInfo> CreateUploadAsync(
        string bucket,
        string key,
        ObjectHeaders headers,
        string? checksumAlgorithm,
        string? checksumType,
        string? encryption,
        IReadOnlyList<KeyValuePair<string, string>> tags,
        ObjectRetention? retention,
        bool legalHold,
        CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();

        // Ids sort by initiation time, the order ListMultipartUploads returns uploads of one key in.
        var uploadId = now.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture)
            + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var upload = new UploadInfo
        {
            UploadId = uploadId,
            Bucket = bucket,
            Key = key,
            Initiated = now,
            Headers = headers,
            ChecksumAlgorithm = checksumAlgorithm,
            ChecksumType = checksumType,
            Encryption = encryption,
            Tags = tags,
            Retention = retention,
            LegalHold = legalHold,
        };
        await _metadata.CreateUploadAsync(upload, cancellationToken).ConfigureAwait(false);
        return upload;
    }

    public async Task<UploadInfo> GetUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        var upload = await _metadata.GetUploadAsync(bucket, key, uploadId, cancellationToken).ConfigureAwait(false);
        if (upload is not null)
        {
            return upload;
        }

        await GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        throw new StorageException(StorageError.NoSuchUpload);
    }

    /// <summary>Streams a part to a durable blob and records it, replacing an earlier part of the same number.</summary>
    public async Task<PartInfo> UploadPartAsync(
        UploadInfo upload, int partNumber, Stream body, long? expectedLength, byte[]? expectedMd5, Func<string?>? checksumAfterBody, IContentSealer? sealer, CancellationToken cancellationToken)
    {
        await using var written = await WriteBodyAsync(body, expectedLength, MaxPartSize, expectedMd5, allowInline: false, sealer, cancellationToken).ConfigureAwait(false);
        var checksum = checksumAfterBody?.Invoke();
        var blobId = await written.CommitAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("A part is always a blob.");
        var part = new PartInfo
        {
            UploadId = upload.UploadId,
            PartNumber = partNumber,
            Size = written.Size,
            ETag = Convert.ToHexStringLower(written.Md5),
            LastModified = _time.GetUtcNow(),
            ChecksumValue = checksum,
            BlobId = blobId,
            Encryption = sealer?.Metadata,
        };

        WriteResult result;
        try
        {
            result = await _metadata.PutPartAsync(upload.Bucket, upload.Key, part, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            _blobs.Delete(blobId);
            throw;
        }

        Release(result.ReleasedBlobs);
        return part;
    }

    /// <summary>
    /// Completes an upload from the named parts without copying their data: the object is the list
    /// of part blobs. Its ETag is the MD5 of the part MD5s followed by -N, as S3 computes it.
    /// </summary>
    public async Task<ObjectInfo> CompleteUploadAsync(
        UploadInfo upload, IReadOnlyList<CompletedPart> parts, WriteCondition condition, Func<IReadOnlyList<PartInfo>, ObjectChecksum?> combineChecksums, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var versionId = _versionIds.Next();
        var (info, result) = await _metadata.CompleteUploadAsync(upload, parts, MinPartSize, condition, placed =>
        {
            var md5s = new byte[placed.Count * 16];
            for (var i = 0; i < placed.Count; i++)
            {
                Convert.FromHexString(placed[i].ETag, md5s.AsSpan(i * 16, 16), out _, out _);
            }

            return new ObjectInfo
            {
                Bucket = upload.Bucket,
                Key = upload.Key,
                Size = placed.Sum(p => p.Size),
                ETag = Convert.ToHexStringLower(MD5.HashData(md5s)) + "-" + placed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                LastModified = now,
                Headers = upload.Headers,
                Checksum = combineChecksums(placed),
                UploadId = upload.UploadId,
                PartsCount = placed.Count,

                // The upload's choice; each part carries its own data key.
                Encryption = upload.Encryption,
                Tags = upload.Tags,
                Retention = upload.Retention,
                LegalHold = upload.LegalHold,
                VersionId = versionId,
            };
        }, CancellationToken.None).ConfigureAwait(false);
        Release(result.ReleasedBlobs);
        return info;
    }

    public async Task AbortUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        await GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        Release(await _metadata.AbortUploadAsync(bucket, key, uploadId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Aborts uploads older than <paramref name="maxAge"/>; returns how many part blobs went.</summary>
    public async Task<int> ExpireUploadsAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var removed = 0;
        while (true)
        {
            var released = await _metadata.ExpireUploadsAsync(_time.GetUtcNow() - maxAge, 100, cancellationToken).ConfigureAwait(false);
            if (released.Count == 0)
            {
                return removed;
            }

            Release(released);
            removed += released.Count;
        }
    }

    /// <summary>Removes temporary files and blobs nothing refers to (left by a crash between blob and metadata commits). Run before serving.</summary>
    public async Task<(int Temporary, int Orphaned)> RecoverAsync(CancellationToken cancellationToken)
    {
        var temporary = _blobs.SweepTemporaryFiles();
        var orphaned = 0;
        foreach (var blobId in _blobs.EnumerateBlobIds().ToList())
        {
            if (!await _metadata.IsBlobReferencedAsync(blobId, cancellationToken).ConfigureAwait(false))
            {
                _blobs.Delete(blobId);
                orphaned++;
            }
        }

        return (temporary, orphaned);
    }

    private void Release(IReadOnlyList<string> blobIds)
    {
        foreach (var blobId in blobIds)
        {
            _leases.Delete(blobId);
        }
    }

    /// <summary>
    /// Reads a body to its end: MD5 and length checked, bytes in a temporary blob (or kept in
    /// memory when small enough to live inline). Any failure discards what was written.
    /// Each block is hashed (on another core) and written while the next one is received, so a
    /// large upload costs about the slowest of the three, not their sum.
    /// </summary>
    private async Task<WrittenBody> WriteBodyAsync(Stream body, long? expectedLength, long maxLength, byte[]? expectedMd5, bool allowInline, IContentSealer? sealer, CancellationToken cancellationToken)
    {
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(BlockSize), ArrayPool<byte>.Shared.Rent(BlockSize)];
        IBlobWriter? writer = null;
        IContentSink? sink = null;
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var previous = Task.CompletedTask;
        try
        {
            long total = 0;
            byte[]? inline = null;
            for (var turn = 0; ; turn ^= 1)
            {
                // The other buffer's block is still being hashed and written; this one is free.
                var buffer = buffers[turn];
                var read = await body.ReadAtLeastAsync(buffer.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                await previous.ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxLength)
                {
                    throw new StorageException(StorageError.EntityTooLarge);
                }

                if (allowInline && writer is null && total == read && read < BlockSize && read <= InlineLimit)
                {
                    md5.AppendData(buffer, 0, read);
                    inline = buffer.AsSpan(0, read).ToArray();
                    continue;
                }

                if (writer is null)
                {
                    (writer, sink) = StartBlob(expectedLength, sealer);
                }

                Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write = sink is null ? writer.WriteAsync : sink.WriteAsync;
                if (inline is not null)
                {
                    await write(inline, cancellationToken).ConfigureAwait(false);
                    inline = null;
                }

                previous = HashAndWriteAsync(md5, write, buffer, read, cancellationToken);
            }

            if (expectedLength is { } expected && expected != total)
            {
                throw new StorageException(StorageError.IncompleteBody, "You did not provide the number of bytes specified by the Content-Length HTTP header.");
            }

            var digest = md5.GetHashAndReset();
            if (expectedMd5 is not null && !CryptographicOperations.FixedTimeEquals(digest, expectedMd5))
            {
                throw new StorageException(StorageError.BadDigest, "The Content-MD5 you specified did not match what we received.");
            }

            if (writer is null && !allowInline)
            {
                (writer, sink) = StartBlob(0, sealer);
            }

            if (writer is null && sealer is not null)
            {
                inline = await SealAsync(sealer, inline ?? [], cancellationToken).ConfigureAwait(false);
            }

            var result = new WrittenBody(total, digest, writer, sink, inline ?? []);
            writer = null;
            sink = null;
            return result;
        }
        finally
        {
            // The last block's work reads a buffer; it must end before the buffer goes back to the pool.
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
            sink?.Dispose();
            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A blob writer sized for what will be stored, and the sink that seals into it when there is a sealer.</summary>
    private (IBlobWriter Writer, IContentSink? Sink) StartBlob(long? expectedLength, IContentSealer? sealer)
    {
        var writer = _blobs.CreateWriter(expectedLength is { } length && sealer is not null ? sealer.StoredLength(length) : expectedLength);
        try
        {
            return (writer, sealer?.Begin(writer.WriteAsync));
        }
        catch
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Small content kept in the metadata row is sealed like a blob's.</summary>
    private static async Task<byte[]> SealAsync(IContentSealer sealer, byte[] content, CancellationToken cancellationToken)
    {
        var sealedContent = new MemoryStream((int)Math.Min(sealer.StoredLength(content.Length), int.MaxValue));
        using (var sink = sealer.Begin((data, ct) => sealedContent.WriteAsync(data, ct)))
        {
            await sink.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        return sealedContent.ToArray();
    }

    private static async Task HashAndWriteAsync(IncrementalHash md5, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var hashing = Task.CompletedTask;
        if (count < 64 * 1024)
        {
            md5.AppendData(buffer, 0, count);
        }
        else
        {
            hashing = Task.Run(() => md5.AppendData(buffer, 0, count), CancellationToken.None);
        }

        try
        {
            await write(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await hashing.ConfigureAwait(false);
        }
    }

    private sealed class WrittenBody(long size, byte[] md5, IBlobWriter? writer, IContentSink? sink, byte[] inline) : IAsyncDisposable
    {
        public long Size => size;

        public byte[] Md5 => md5;

        public byte[] Inline => inline;

        /// <summary>Seals what the sink held back, makes the blob durable and returns its id; null when the body lives inline.</summary>
        public async Task<string?> CommitAsync(CancellationToken cancellationToken)
        {
            if (writer is null)
            {
                return null;
            }

            if (sink is not null)
            {
                await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            return await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync()
        {
            sink?.Dispose();
            return writer?.DisposeAsync() ?? ValueTask.CompletedTask;
        }
    }
}
