using Coffer.Protocol.Http;

namespace Coffer.Protocol.Tests.Http;

/// <summary>Range header resolution per RFC 9110 §14, as S3 applies it to GetObject.</summary>
public sealed class ByteRangeTests
{
    [Theory]
    [InlineData("bytes=0-0", 1000, 0, 1)]
    [InlineData("bytes=0-499", 1000, 0, 500)]
    [InlineData("bytes=500-999", 1000, 500, 500)]
    [InlineData("bytes=500-5000", 1000, 500, 500)]
    [InlineData("bytes=900-", 1000, 900, 100)]
    [InlineData("bytes=-100", 1000, 900, 100)]
    [InlineData("bytes=-5000", 1000, 0, 1000)]
    [InlineData("bytes=999-999", 1000, 999, 1)]
    [InlineData("BYTES= 10 - 19 ", 1000, 10, 10)]
    public void Resolve_SatisfiableRange_GivesStartAndLength(string header, long size, long start, long length)
    {
        var range = ByteRange.Resolve(header, size);

        Assert.Equal(new ByteRange(start, length), range);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bytes=5-2")]
    [InlineData("bytes=abc")]
    [InlineData("bytes=1-2,4-5")]
    [InlineData("items=0-1")]
    [InlineData("bytes=-")]
    [InlineData("bytes=1-x")]
    [InlineData("bytes=+1-2")]
    public void Resolve_AbsentOrMalformed_IsIgnored(string? header)
    {
        Assert.Null(ByteRange.Resolve(header, 1000));
    }

    [Theory]
    [InlineData("bytes=1000-", 1000)]
    [InlineData("bytes=1000-2000", 1000)]
    [InlineData("bytes=-0", 1000)]
    [InlineData("bytes=0-0", 0)]
    [InlineData("bytes=-1", 0)]
    public void Resolve_NoByteOfTheRangeExists_IsNotSatisfiable(string header, long size)
    {
        Assert.Throws<RangeNotSatisfiableException>(() => ByteRange.Resolve(header, size));
    }

    [Fact]
    public void End_IsTheLastByteIncluded()
    {
        Assert.Equal(9, new ByteRange(0, 10).End);
    }
}
