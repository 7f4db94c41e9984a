using Coffer.Storage.Locking;
using Coffer.Storage.Objects;

namespace Coffer.Storage.Multipart;

/// <summary>A multipart upload in progress, with what CreateMultipartUpload captured for the final object.</summary>
public sealed class UploadInfo
{
    public required string UploadId { get; init; }

    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required DateTimeOffset Initiated { get; init; }

    public required ObjectHeaders Headers { get; init; }

    /// <summary>The checksum algorithm every part must carry, when one was chosen at creation.</summary>
    public string? ChecksumAlgorithm { get; init; }

    /// <summary>COMPOSITE or FULL_OBJECT, when a checksum algorithm was chosen.</summary>
    public string? ChecksumType { get; init; }

    /// <summary>The tags (x-amz-tagging) the completed object gets.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    /// <summary>The object lock retention the completed object gets.</summary>
    public ObjectRetention? Retention { get; init; }

    /// <summary>Whether the completed object is under a legal hold.</summary>
    public bool LegalHold { get; init; }

    /// <summary>The encryption CreateMultipartUpload chose for every part (mode and key, no data key); opaque here.</summary>
    public string? Encryption { get; init; }
}
