namespace Coffer.Storage.Multipart;

/// <summary>One uploaded part; once its upload completes, <see cref="ObjectOffset"/> places it in the object.</summary>
public sealed class PartInfo
{
    public required string UploadId { get; init; }

    public required int PartNumber { get; init; }

    public required long Size { get; init; }

    /// <summary>Hex MD5 of the part, unquoted.</summary>
    public required string ETag { get; init; }

    public required DateTimeOffset LastModified { get; init; }

    /// <summary>Base64 of the part's checksum in the upload's algorithm.</summary>
    public string? ChecksumValue { get; init; }

    public required string BlobId { get; init; }

    public long? ObjectOffset { get; init; }

    /// <summary>
    /// How the stored bytes are sealed (mode, wrapped data key, segment size), as the encryption
    /// layer wrote it; opaque here. Null for bytes stored as they came.
    /// </summary>
    public string? Encryption { get; init; }
}
