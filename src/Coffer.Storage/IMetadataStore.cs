using Coffer.Storage.Buckets;
using Coffer.Storage.Listing;
using Coffer.Storage.Objects;

namespace Coffer.Storage;

/// <summary>Buckets and object rows. Every mutation is one transaction, durable when its task completes.</summary>
public interface IMetadataStore
{
    Task<BucketInfo?> GetBucketAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken cancellationToken);

    /// <summary>Creates the bucket; <see cref="StorageError.BucketAlreadyExists"/> when the name is taken.</summary>
    Task CreateBucketAsync(BucketInfo bucket, CancellationToken cancellationToken);

    Task DeleteBucketAsync(string name, CancellationToken cancellationToken);

    Task<ObjectInfo?> GetObjectAsync(string bucket, string key, bool includeInlineData, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the object row under <paramref name="condition"/>; returns the row it replaced.</summary>
    Task<ObjectInfo?> PutObjectAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken);

    /// <summary>Removes the object row; returns it, or null when there was none.</summary>
    Task<ObjectInfo?> DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken);

    IKeyRangeReader KeyRange(string bucket);

    Task<bool> IsBlobReferencedAsync(string blobId, CancellationToken cancellationToken);
}
