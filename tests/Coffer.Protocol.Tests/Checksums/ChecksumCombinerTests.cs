using Coffer.Protocol.Checksums;

namespace Coffer.Protocol.Tests.Checksums;

public sealed class ChecksumCombinerTests
{
    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32)]
    [InlineData(ChecksumAlgorithm.Crc32C)]
    [InlineData(ChecksumAlgorithm.Crc64Nvme)]
    public void FullObject_FromPartCrcs_EqualsTheCrcOfTheWholeData(ChecksumAlgorithm algorithm)
    {
        var random = new Random(7);
        var parts = new[] { 5 * 1024 * 1024, 1, 0, 333_333, 4096 }.Select(size =>
        {
            var data = new byte[size];
            random.NextBytes(data);
            return data;
        }).Where(p => p.Length > 0).ToList();

        var combined = ChecksumCombiner.FullObject(algorithm, parts.Select(p => (ChecksumHasher.Compute(algorithm, p), (long)p.Length)).ToList());

        Assert.Equal(ChecksumHasher.Compute(algorithm, parts.SelectMany(p => p).ToArray()), combined);
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32)]
    [InlineData(ChecksumAlgorithm.Sha256)]
    public void Composite_IsTheChecksumOfTheConcatenatedPartDigestsWithThePartCount(ChecksumAlgorithm algorithm)
    {
        var first = ChecksumHasher.Compute(algorithm, "first part"u8);
        var second = ChecksumHasher.Compute(algorithm, "second part"u8);
        var digests = Convert.FromBase64String(first).Concat(Convert.FromBase64String(second)).ToArray();

        Assert.Equal(ChecksumHasher.Compute(algorithm, digests) + "-2", ChecksumCombiner.Composite(algorithm, [first, second]));
    }

    [Fact]
    public void Composite_RejectsAPartDigestOfTheWrongLength()
    {
        Assert.Throws<FormatException>(() => ChecksumCombiner.Composite(ChecksumAlgorithm.Crc32, ["AAAAAAAA"]));
    }
}
