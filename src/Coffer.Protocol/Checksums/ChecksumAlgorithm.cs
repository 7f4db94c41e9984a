namespace Coffer.Protocol.Checksums;

/// <summary>The additional checksums S3 accepts (x-amz-checksum-*), with their header and wire names.</summary>
public enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}

public static class ChecksumAlgorithms
{
    public static readonly ChecksumAlgorithm[] All =
        [ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha256];

    /// <summary>The name S3 uses in x-amz-sdk-checksum-algorithm and in XML (CRC32, CRC64NVME, …).</summary>
    public static string WireName(this ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        _ => "SHA256",
    };

    public static string HeaderName(this ChecksumAlgorithm algorithm) => "x-amz-checksum-" + algorithm.WireName().ToLowerInvariant();

    public static ChecksumAlgorithm? Parse(string? name) => name?.ToUpperInvariant() switch
    {
        "CRC32" => ChecksumAlgorithm.Crc32,
        "CRC32C" => ChecksumAlgorithm.Crc32C,
        "CRC64NVME" => ChecksumAlgorithm.Crc64Nvme,
        "SHA1" => ChecksumAlgorithm.Sha1,
        "SHA256" => ChecksumAlgorithm.Sha256,
        _ => null,
    };

    public static ChecksumAlgorithm? FromHeaderName(string headerName) =>
        headerName.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) ? Parse(headerName["x-amz-checksum-".Length..]) : null;

    /// <summary>Length in bytes of the digest.</summary>
    public static int DigestLength(this ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        _ => 32,
    };
}
