using Coffer.Storage.Buckets;
using Coffer.Storage.Listing;
using Coffer.Storage.Locking;
using Coffer.Storage.Multipart;
using Coffer.Storage.Objects;

namespace Coffer.Storage;

/// <summary>Buckets, object rows and multipart uploads. Every mutation is one transaction, durable when its task completes.</summary>
public interface IMetadataStore
{
    Task<BucketInfo?> GetBucketAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates the bucket, with its versioning and initial configuration documents (by sub-resource
    /// name) in the same transaction; <see cref="StorageError.BucketAlreadyExists"/> when the name is taken.
    /// </summary>
    Task CreateBucketAsync(BucketInfo bucket, IReadOnlyDictionary<string, string> configuration, CancellationToken cancellationToken);

    /// <summary>Deletes an empty bucket (no objects, no uploads in progress) and its configuration.</summary>
    Task DeleteBucketAsync(string name, CancellationToken cancellationToken);

    /// <summary>A bucket's configuration document by sub-resource name (e.g. "policy"); null when not set.</summary>
    /// <exception cref="StorageException"><see cref="StorageError.NoSuchBucket"/>.</exception>
    Task<string?> GetBucketConfigAsync(string bucket, string name, CancellationToken cancellationToken);

    /// <summary>Sets (or, with null, removes) a configuration document of an existing bucket.</summary>
    Task SetBucketConfigAsync(string bucket, string name, string? value, CancellationToken cancellationToken);

    /// <summary>
    /// Turns versioning on or suspends it; <see cref="StorageError.NoSuchBucket"/> when there is no such
    /// bucket, <see cref="StorageError.InvalidBucketState"/> to suspend it under object lock.
    /// </summary>
    Task SetBucketVersioningAsync(string bucket, VersioningStatus status, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a bucket's object lock configuration, which turns object lock on for good;
    /// <see cref="StorageError.InvalidBucketState"/> unless versioning is enabled.
    /// </summary>
    Task SetObjectLockConfigAsync(string bucket, string value, CancellationToken cancellationToken);

    /// <summary>The current version of the key (possibly a delete marker), with the bucket's versioning; null when there is none.</summary>
    Task<ObjectInfo?> GetObjectAsync(string bucket, string key, bool includeInlineData, CancellationToken cancellationToken);

    /// <summary>One version of the key ("null" for the null version), current or not; null when there is none.</summary>
    Task<ObjectInfo?> GetObjectVersionAsync(string bucket, string key, string versionId, bool includeInlineData, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="info"/> (whose <see cref="ObjectInfo.VersionId"/> is a fresh id) the
    /// current version under <paramref name="condition"/>, as the bucket's versioning says: the
    /// previous version is kept when versioning is on, and the null version replaced otherwise.
    /// </summary>
    Task<WriteResult> PutObjectAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the key as S3 does without a version id: removes the row in a never-versioned bucket,
    /// otherwise writes a delete marker (id <paramref name="markerVersionId"/>, or the null version when suspended).
    /// Nothing happens when <paramref name="condition"/> excludes the current version.
    /// </summary>
    Task<WriteResult> DeleteObjectAsync(string bucket, string key, string markerVersionId, DateTimeOffset now, WriteCondition condition, CancellationToken cancellationToken);

    /// <summary>
    /// Removes one version for good (the next newest becomes current when it was the current one);
    /// <see cref="WriteResult.Written"/> is the removed version, null when there was no such version
    /// or <paramref name="condition"/> excludes it. <see cref="StorageError.ObjectLocked"/> when
    /// object lock protects it under <paramref name="lockOverride"/>.
    /// </summary>
    Task<WriteResult> DeleteObjectVersionAsync(string bucket, string key, string versionId, WriteCondition condition, LockOverride lockOverride, CancellationToken cancellationToken);

    /// <summary>
    /// Changes the current version (<paramref name="versionId"/> null) or the named one in place: its
    /// tags, retention and legal hold become those of what <paramref name="change"/> returns (which may
    /// throw to refuse); no new version is made. Returns the version as it is now, a delete marker
    /// untouched; null when there is no such version. <see cref="StorageError.NoSuchBucket"/>.
    /// </summary>
    Task<ObjectInfo?> UpdateVersionAsync(string bucket, string key, string? versionId, Func<ObjectInfo, ObjectInfo> change, CancellationToken cancellationToken);

    /// <summary>Current versions that are not delete markers, in key order (ListObjects).</summary>
    IKeyRangeReader KeyRange(string bucket);

    /// <summary>Every version and delete marker, in key order then newest first (ListObjectVersions).</summary>
    IVersionRangeReader VersionRange(string bucket);

    /// <summary>
    /// Up to <paramref name="limit"/> versions and delete markers (no content, tags included) in the
    /// order of <see cref="VersionRange"/>, after <paramref name="afterKey"/> and, within that key,
    /// after the version whose sort key is <paramref name="afterVersion"/>; for background scans.
    /// </summary>
    Task<IReadOnlyList<Lifecycle.VersionRow>> ScanVersionsAsync(string bucket, byte[]? afterKey, string? afterVersion, int limit, CancellationToken cancellationToken);

    Task<bool> IsBlobReferencedAsync(string blobId, CancellationToken cancellationToken);

    /// <summary>The parts of a completed multipart object, in order, with their offsets.</summary>
    Task<IReadOnlyList<PartInfo>> GetObjectPartsAsync(string uploadId, CancellationToken cancellationToken);

    Task CreateUploadAsync(UploadInfo upload, CancellationToken cancellationToken);

    /// <summary>The upload, or null when it does not exist for that bucket and key.</summary>
    Task<UploadInfo?> GetUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>Adds or replaces a part; <see cref="StorageError.NoSuchUpload"/> when the upload is gone.</summary>
    Task<WriteResult> PutPartAsync(string bucket, string key, PartInfo part, CancellationToken cancellationToken);

    Task<IReadOnlyList<PartInfo>> ListPartsAsync(string uploadId, int afterPartNumber, int limit, CancellationToken cancellationToken);

    /// <summary>Uploads in (key, upload id) order after the markers; upload ids sort by initiation time.</summary>
    Task<IReadOnlyList<UploadInfo>> ListUploadsAsync(string bucket, string prefix, string? keyMarker, string? uploadIdMarker, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Completes an upload atomically: checks the named parts, builds the object from them with
    /// <paramref name="build"/>, drops unnamed parts and the upload, and replaces any previous object.
    /// When the upload already completed into the current object, returns that object again.
    /// </summary>
    Task<(ObjectInfo Object, WriteResult Result)> CompleteUploadAsync(
        UploadInfo upload, IReadOnlyList<CompletedPart> parts, long minimumPartSize, WriteCondition condition, Func<IReadOnlyList<PartInfo>, ObjectInfo> build, CancellationToken cancellationToken);

    /// <summary>Removes the upload and its parts; returns the part blobs.</summary>
    Task<IReadOnlyList<string>> AbortUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>Aborts every upload initiated before <paramref name="initiatedBefore"/>; returns the part blobs.</summary>
    Task<IReadOnlyList<string>> ExpireUploadsAsync(DateTimeOffset initiatedBefore, int limit, CancellationToken cancellationToken);
}
