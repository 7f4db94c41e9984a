namespace Coffer.Storage.Objects;

/// <summary>An additional checksum stored with an object: the algorithm's S3 name (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) and its base64 value.</summary>
public sealed record ObjectChecksum(string Algorithm, string Value);
