using Coffer.Storage.Buckets;
using Coffer.Storage.Listing;
using Coffer.Storage.Multipart;
using Coffer.Storage.Objects;

namespace Coffer.Storage;

/// <summary>Buckets, object rows and multipart uploads. Every mutation is one transaction, durable when its task completes.</summary>
public interface IMetadataStore
{
    Task<BucketInfo?> GetBucketAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken cancellationToken);

    /// <summary>Creates the bucket; <see cref="StorageError.BucketAlreadyExists"/> when the name is taken.</summary>
    Task CreateBucketAsync(BucketInfo bucket, CancellationToken cancellationToken);

    /// <summary>Deletes an empty bucket (no objects, no uploads in progress) and its configuration.</summary>
    Task DeleteBucketAsync(string name, CancellationToken cancellationToken);

    /// <summary>A bucket's configuration document by sub-resource name (e.g. "policy"); null when not set.</summary>
    /// <exception cref="StorageException"><see cref="StorageError.NoSuchBucket"/>.</exception>
    Task<string?> GetBucketConfigAsync(string bucket, string name, CancellationToken cancellationToken);

    /// <summary>Sets (or, with null, removes) a configuration document of an existing bucket.</summary>
    Task SetBucketConfigAsync(string bucket, string name, string? value, CancellationToken cancellationToken);

    Task<ObjectInfo?> GetObjectAsync(string bucket, string key, bool includeInlineData, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the object row under <paramref name="condition"/>.</summary>
    Task<WriteResult> PutObjectAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken);

    /// <summary>Removes the object row; its previous row is null when there was none.</summary>
    Task<WriteResult> DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken);

    IKeyRangeReader KeyRange(string bucket);

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
