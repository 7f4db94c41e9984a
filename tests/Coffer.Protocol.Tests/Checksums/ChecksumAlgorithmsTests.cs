using Coffer.Protocol.Checksums;

namespace Coffer.Protocol.Tests.Checksums;

public sealed class ChecksumAlgorithmsTests
{
    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32, "CRC32", "x-amz-checksum-crc32", 4)]
    [InlineData(ChecksumAlgorithm.Crc32C, "CRC32C", "x-amz-checksum-crc32c", 4)]
    [InlineData(ChecksumAlgorithm.Crc64Nvme, "CRC64NVME", "x-amz-checksum-crc64nvme", 8)]
    [InlineData(ChecksumAlgorithm.Sha1, "SHA1", "x-amz-checksum-sha1", 20)]
    [InlineData(ChecksumAlgorithm.Sha256, "SHA256", "x-amz-checksum-sha256", 32)]
    public void Names_AndDigestLength_AreTheOnesS3Uses(ChecksumAlgorithm algorithm, string wireName, string headerName, int digestLength)
    {
        Assert.Equal(wireName, algorithm.WireName());
        Assert.Equal(headerName, algorithm.HeaderName());
        Assert.Equal(digestLength, algorithm.DigestLength());
    }

    [Theory]
    [InlineData("CRC32", ChecksumAlgorithm.Crc32)]
    [InlineData("crc32c", ChecksumAlgorithm.Crc32C)]
    [InlineData("Crc64Nvme", ChecksumAlgorithm.Crc64Nvme)]
    [InlineData("sha1", ChecksumAlgorithm.Sha1)]
    [InlineData("SHA256", ChecksumAlgorithm.Sha256)]
    public void Parse_IgnoresCase(string name, ChecksumAlgorithm expected)
    {
        Assert.Equal(expected, ChecksumAlgorithms.Parse(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("MD5")]
    [InlineData("CRC64")]
    [InlineData("SHA-256")]
    public void Parse_UnknownName_IsNull(string? name)
    {
        Assert.Null(ChecksumAlgorithms.Parse(name));
    }

    [Theory]
    [InlineData("x-amz-checksum-crc32c", ChecksumAlgorithm.Crc32C)]
    [InlineData("X-Amz-Checksum-SHA256", ChecksumAlgorithm.Sha256)]
    [InlineData("x-amz-checksum-crc64nvme", ChecksumAlgorithm.Crc64Nvme)]
    public void FromHeaderName_RecognisesChecksumHeaders(string header, ChecksumAlgorithm expected)
    {
        Assert.Equal(expected, ChecksumAlgorithms.FromHeaderName(header));
    }

    [Theory]
    [InlineData("x-amz-checksum-algorithm")]
    [InlineData("x-amz-checksum-type")]
    [InlineData("x-amz-sdk-checksum-algorithm")]
    [InlineData("content-md5")]
    public void FromHeaderName_OtherHeaders_AreNull(string header)
    {
        Assert.Null(ChecksumAlgorithms.FromHeaderName(header));
    }

    [Fact]
    public void All_ListsEveryAlgorithmOnce()
    {
        Assert.Equal(Enum.GetValues<ChecksumAlgorithm>().Order(), ChecksumAlgorithms.All.Order());
    }
}
