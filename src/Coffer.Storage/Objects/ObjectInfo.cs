using Coffer.Storage.Buckets;
using Coffer.Storage.Locking;
using Coffer.Storage.Versions;

namespace Coffer.Storage.Objects;

/// <summary>One version of an object (the only one in an unversioned bucket), or a delete marker.</summary>
public sealed record ObjectInfo
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required long Size { get; init; }

    /// <summary>The entity tag without quotes: hex MD5 of the content.</summary>
    public required string ETag { get; init; }

    public required DateTimeOffset LastModified { get; init; }

    public required ObjectHeaders Headers { get; init; }

    public ObjectChecksum? Checksum { get; init; }

    /// <summary>The multipart upload the object was completed from; null for a single PUT.</summary>
    public string? UploadId { get; init; }

    /// <summary>Number of parts of a multipart object; 0 for a single PUT.</summary>
    public int PartsCount { get; init; }

    /// <summary>Generated name of the blob file; null when the content lives inline in the metadata store.</summary>
    public string? BlobId { get; init; }

    /// <summary>
    /// How the stored bytes are sealed (mode, wrapped data key, segment size), as the encryption
    /// layer wrote it; opaque here. Null for bytes stored as they came.
    /// </summary>
    public string? Encryption { get; init; }

    /// <summary>The version's tags (S3 object tagging), in the order they were set; empty when it has none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    /// <summary>Object lock retention, in a bucket with object lock; null when the version has none.</summary>
    public ObjectRetention? Retention { get; init; }

    /// <summary>An object lock legal hold: the version cannot be removed until it is lifted.</summary>
    public bool LegalHold { get; init; }

    /// <summary>The content of a small object kept in the metadata store, when it was loaded.</summary>
    public byte[]? InlineData { get; init; }

    /// <summary>
    /// The version's internal id (newest sorts first). A null version has one too, for ordering,
    /// but is named "null" to clients; rows written before versioning existed have none.
    /// </summary>
    public string? VersionId { get; init; }

    /// <summary>Written while the bucket was unversioned or suspended: S3's "null" version.</summary>
    public bool IsNullVersion { get; init; }

    /// <summary>A delete marker: no content, and GET of the key answers NoSuchKey while it is current.</summary>
    public bool IsDeleteMarker { get; init; }

    /// <summary>The bucket's versioning when the row was read or written; null for a never-versioned bucket.</summary>
    public VersioningStatus? BucketVersioning { get; init; }

    /// <summary>The id clients see: "null" for a null version.</summary>
    public string PublicVersionId => IsNullVersion || VersionId is null ? VersionIds.Null : VersionId;
}
