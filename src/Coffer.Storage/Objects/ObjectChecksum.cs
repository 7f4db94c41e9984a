namespace Coffer.Storage.Objects;

/// <summary>
/// An additional checksum stored with an object: the algorithm's S3 name (CRC32, CRC32C,
/// CRC64NVME, SHA1, SHA256), its base64 value, and whether it covers the whole object
/// (FULL_OBJECT) or is a checksum of part checksums (COMPOSITE, value ending in -N).
/// </summary>
public sealed record ObjectChecksum(string Algorithm, string Value, string Type = ObjectChecksum.FullObject)
{
    public const string FullObject = "FULL_OBJECT";
    public const string Composite = "COMPOSITE";
}
