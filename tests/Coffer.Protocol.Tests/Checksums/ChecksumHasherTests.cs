using Coffer.Protocol.Checksums;

namespace Coffer.Protocol.Tests.Checksums;

public sealed class ChecksumHasherTests
{
    private static readonly byte[] CheckInput = "123456789"u8.ToArray();

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32, "y/Q5Jg==")]
    [InlineData(ChecksumAlgorithm.Crc32C, "4waSgw==")]
    [InlineData(ChecksumAlgorithm.Crc64Nvme, "rosUhgp5mIg=")]
    [InlineData(ChecksumAlgorithm.Sha1, "98O8HYCOBHMq32eZZczDTKeuNEE=")]
    [InlineData(ChecksumAlgorithm.Sha256, "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=")]
    public void Compute_CheckString_IsBase64OfBigEndianDigest(ChecksumAlgorithm algorithm, string expected)
    {
        Assert.Equal(expected, ChecksumHasher.Compute(algorithm, CheckInput));
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32, "CBF43926")]
    [InlineData(ChecksumAlgorithm.Crc32C, "E3069283")]
    [InlineData(ChecksumAlgorithm.Crc64Nvme, "AE8B14860A799888")]
    [InlineData(ChecksumAlgorithm.Sha1, "F7C3BC1D808E04732ADF679965CCC34CA7AE3441")]
    [InlineData(ChecksumAlgorithm.Sha256, "15E2B0D3C33891EBB0F1EF609EC419420C20E320CE94C65FBC8C3312448EB225")]
    public void GetDigest_CheckString_MatchesCatalogueCheckValue(ChecksumAlgorithm algorithm, string expectedHex)
    {
        using var hasher = new ChecksumHasher(algorithm);
        hasher.Append(CheckInput);

        var digest = hasher.GetDigest();

        Assert.Equal(expectedHex, Convert.ToHexString(digest));
        Assert.Equal(algorithm.DigestLength(), digest.Length);
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32, "AAAAAA==")]
    [InlineData(ChecksumAlgorithm.Crc32C, "AAAAAA==")]
    [InlineData(ChecksumAlgorithm.Crc64Nvme, "AAAAAAAAAAA=")]
    [InlineData(ChecksumAlgorithm.Sha1, "2jmj7l5rSw0yVb/vlWAYkK/YBwk=")]
    [InlineData(ChecksumAlgorithm.Sha256, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")]
    public void Compute_EmptyInput_IsTheAlgorithmsEmptyValue(ChecksumAlgorithm algorithm, string expected)
    {
        Assert.Equal(expected, ChecksumHasher.Compute(algorithm, []));
    }

    [Fact]
    public void Compute_Crc32C_OfChunkedUploadExamplePayload_MatchesPublishedTrailer()
    {
        // The trailing-checksum upload example sends 66,560 bytes of 'a' with x-amz-checksum-crc32c:sOO8/Q==.
        var payload = new byte[66560];
        Array.Fill(payload, (byte)'a');

        Assert.Equal("sOO8/Q==", ChecksumHasher.Compute(ChecksumAlgorithm.Crc32C, payload));
    }

    public static TheoryData<ChecksumAlgorithm> Algorithms => new(ChecksumAlgorithms.All);

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Append_InOddSizedPieces_EqualsOneShot(ChecksumAlgorithm algorithm)
    {
        var data = RandomBytes(20_000);
        using var hasher = new ChecksumHasher(algorithm);

        foreach (var piece in OddPieces(data))
        {
            hasher.Append(piece);
        }

        Assert.Equal(ChecksumHasher.Compute(algorithm, data), hasher.GetBase64());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void GetDigest_MidStream_DoesNotDisturbTheRunningChecksum(ChecksumAlgorithm algorithm)
    {
        var data = RandomBytes(1000);
        using var hasher = new ChecksumHasher(algorithm);

        hasher.Append(data.AsSpan(0, 333));
        var partial = hasher.GetBase64();
        hasher.Append(data.AsSpan(333));

        Assert.Equal(ChecksumHasher.Compute(algorithm, data.AsSpan(0, 333)), partial);
        Assert.Equal(ChecksumHasher.Compute(algorithm, data), hasher.GetBase64());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Compute_OneBitFlipped_ChangesTheChecksum(ChecksumAlgorithm algorithm)
    {
        var data = RandomBytes(4096);
        var flipped = (byte[])data.Clone();
        flipped[2047] ^= 0x10;

        Assert.NotEqual(ChecksumHasher.Compute(algorithm, data), ChecksumHasher.Compute(algorithm, flipped));
    }

    [Fact]
    public void Crc32C_AnyLengthAndAlignment_MatchesBitwiseReference()
    {
        var data = RandomBytes(300);
        for (var start = 0; start < 9; start++)
        {
            for (var length = 0; length <= 40; length++)
            {
                var slice = data.AsSpan(start, length + 200 * (length % 2));
                var crc = new Crc32C();
                crc.Append(slice);

                Assert.Equal(ReferenceCrc32C(slice), crc.Value);
            }
        }
    }

    [Fact]
    public void Crc64Nvme_AnyLengthAndAlignment_MatchesBitwiseReference()
    {
        var data = RandomBytes(300);
        for (var start = 0; start < 9; start++)
        {
            for (var length = 0; length <= 40; length++)
            {
                var slice = data.AsSpan(start, length + 200 * (length % 2));
                var crc = new Crc64Nvme();
                crc.Append(slice);

                Assert.Equal(ReferenceCrc64Nvme(slice), crc.Value);
            }
        }
    }

    [Fact]
    public void Crc64Nvme_InOddSizedPieces_MatchesBitwiseReference()
    {
        var data = RandomBytes(5000);
        var crc = new Crc64Nvme();

        foreach (var piece in OddPieces(data))
        {
            crc.Append(piece);
        }

        Assert.Equal(ReferenceCrc64Nvme(data), crc.Value);
    }

    [Fact]
    public void Crc32C_InOddSizedPieces_MatchesBitwiseReference()
    {
        var data = RandomBytes(5000);
        var crc = new Crc32C();

        foreach (var piece in OddPieces(data))
        {
            crc.Append(piece);
        }

        Assert.Equal(ReferenceCrc32C(data), crc.Value);
    }

    [Fact]
    public void Crc_ValueAndDigest_AreTheSameNumberBigEndian()
    {
        var crc32c = new Crc32C();
        crc32c.Append(CheckInput);
        var crc64 = new Crc64Nvme();
        crc64.Append(CheckInput);
        var digest32 = new byte[4];
        var digest64 = new byte[8];

        crc32c.GetDigest(digest32);
        crc64.GetDigest(digest64);

        Assert.Equal(0xE3069283u, crc32c.Value);
        Assert.Equal(new byte[] { 0xE3, 0x06, 0x92, 0x83 }, digest32);
        Assert.Equal(0xAE8B14860A799888UL, crc64.Value);
        Assert.Equal(new byte[] { 0xAE, 0x8B, 0x14, 0x86, 0x0A, 0x79, 0x98, 0x88 }, digest64);
    }

    /// <summary>Pieces of 1, 2, 3, 5, 7, 11, 13, … bytes, never aligned to eight.</summary>
    private static IEnumerable<byte[]> OddPieces(byte[] data)
    {
        int[] sizes = [1, 2, 3, 5, 7, 11, 13, 17, 31, 63, 127, 509, 1021];
        var offset = 0;
        for (var i = 0; offset < data.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], data.Length - offset);
            yield return data.AsSpan(offset, size).ToArray();
            offset += size;
        }
    }

    private static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        new Random(1234).NextBytes(data);
        return data;
    }

    private static uint ReferenceCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static ulong ReferenceCrc64Nvme(ReadOnlySpan<byte> data)
    {
        var crc = ulong.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x9A6C9329AC4BC9B5UL : crc >> 1;
            }
        }

        return ~crc;
    }
}
