using Coffer.Crypto.Kms;
using Coffer.Protocol.S3.Encryption;
using Coffer.Storage;
using Coffer.Storage.Buckets;
using Coffer.Storage.Locking;
using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3;

/// <summary>
/// Writes and reads the server makes on its own behalf (the audit log bucket), through the storage
/// layer: no request and no policy, but each write is sealed under the bucket's default encryption
/// and gets the bucket's default retention, as any PutObject would.
/// </summary>
public sealed class ServerObjects(ObjectStore store, IDataKeyService dataKeys, TimeProvider time)
{
    private readonly ObjectEncryptor _encryptor = new(dataKeys);

    /// <summary>
    /// Creates a bucket for records nobody may alter: versioning, object lock with a COMPLIANCE
    /// default retention of <paramref name="retentionDays"/>, SSE-S3 by default and all four public
    /// access block flags, in one commit. An existing bucket is left as it is when it has object lock;
    /// one without is refused, as its objects could be deleted. Returns whether it was created.
    /// </summary>
    public async Task<bool> EnsureLockedBucketAsync(string name, string region, int retentionDays, CancellationToken cancellationToken)
    {
        if (!BucketNames.IsValid(name))
        {
            throw new InvalidOperationException($"'{name}' is not a valid bucket name.");
        }

        if (await store.Metadata.GetBucketAsync(name, cancellationToken).ConfigureAwait(false) is null)
        {
            var configuration = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [ObjectLockConfiguration.ConfigName] = new ObjectLockConfiguration(RetentionMode.Compliance, retentionDays, null).ToStored(),
                [BucketEncryption.ConfigName] = BucketEncryption.Default.ToJson(),
                [PublicAccessBlock.ConfigName] = PublicAccessBlock.All.ToStored(),
            };
            try
            {
                await store.Metadata.CreateBucketAsync(new BucketInfo(name, time.GetUtcNow(), region, VersioningStatus.Enabled), configuration, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (StorageException e) when (e.Error == StorageError.BucketAlreadyExists)
            {
                // Created in between: checked below like any existing bucket.
            }
        }

        if (await store.Metadata.GetBucketConfigAsync(name, ObjectLockConfiguration.ConfigName, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new InvalidOperationException($"the bucket {name} exists without object lock, so delivered audit logs could be deleted; name another bucket");
        }

        return false;
    }

    /// <summary>
    /// Stores <paramref name="body"/> as a new version of the key. With <paramref name="mustNotExist"/>,
    /// nothing is written when the key has a current version and false is returned (If-None-Match: *).
    /// </summary>
    public async Task<bool> PutAsync(
        string bucket,
        string key,
        Stream body,
        string contentType,
        string? contentEncoding,
        IReadOnlyList<KeyValuePair<string, string>> metadata,
        bool mustNotExist,
        CancellationToken cancellationToken)
    {
        var defaults = BucketEncryption.FromJson(await store.Metadata.GetBucketConfigAsync(bucket, BucketEncryption.ConfigName, cancellationToken).ConfigureAwait(false));
        var lockText = await store.Metadata.GetBucketConfigAsync(bucket, ObjectLockConfiguration.ConfigName, cancellationToken).ConfigureAwait(false);
        var retention = lockText is null ? null : ObjectLockConfiguration.FromXml(System.Text.Encoding.UTF8.GetBytes(lockText)).DefaultRetention(time.GetUtcNow());
        var choice = await _encryptor.ChooseAsync(SseRequest.None, defaults, cancellationToken).ConfigureAwait(false);
        using var write = await _encryptor.SealAsync(bucket, key, 0, choice, SseRequest.None, cancellationToken).ConfigureAwait(false);
        try
        {
            await store.PutAsync(new PutObjectRequest
            {
                Bucket = bucket,
                Key = key,
                Headers = new ObjectHeaders { ContentType = contentType, ContentEncoding = contentEncoding, UserMetadata = [.. metadata] },
                ExpectedLength = body.CanSeek ? body.Length - body.Position : null,
                Retention = retention,
                Condition = mustNotExist ? new WriteCondition(MustNotExist: true) : WriteCondition.None,
                Sealer = write.Sealer,
            }, body, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageException e) when (mustNotExist && e.Error == StorageError.PreconditionFailed)
        {
            return false;
        }
    }

    /// <summary>The current version's content, decrypted, and its headers; null when there is none.</summary>
    public async Task<(byte[] Content, ObjectHeaders Headers)?> GetAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var info = await store.Metadata.GetObjectAsync(bucket, key, includeInlineData: true, cancellationToken).ConfigureAwait(false);
            if (info is null || info.IsDeleteMarker)
            {
                return null;
            }

            var opener = info.Encryption is null ? null : _encryptor.Opener(bucket, key, ObjectEncryption.FromJson(info.Encryption), info.Encryption, null);
            await using var content = await store.OpenContentAsync(info, 0, info.Size - 1, opener, cancellationToken).ConfigureAwait(false);
            if (content is null)
            {
                // Replaced while being opened: look again.
                continue;
            }

            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            return (copy.ToArray(), info.Headers);
        }

        return null;
    }
}
