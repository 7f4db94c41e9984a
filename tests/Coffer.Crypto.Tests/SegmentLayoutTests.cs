using Coffer.Crypto.Segments;

namespace Coffer.Crypto.Tests;

public sealed class SegmentLayoutTests
{
    [Theory]
    [InlineData(0, 1, 16)]
    [InlineData(1, 1, 17)]
    [InlineData(15, 1, 31)]
    [InlineData(16, 1, 32)]
    [InlineData(17, 2, 49)]
    [InlineData(48, 3, 96)]
    [InlineData(55, 4, 119)]
    public void CiphertextLength_AddsOneTagPerSegment(long plaintextLength, long segments, long ciphertextLength)
    {
        var layout = new SegmentLayout(plaintextLength, 16);
        Assert.Equal(segments, layout.SegmentCount);
        Assert.Equal(segments - 1, layout.LastSegment);
        Assert.Equal(ciphertextLength, layout.CiphertextLength);
    }

    [Fact]
    public void CiphertextLength_DefaultSegments_OfFiveGiB()
    {
        var layout = new SegmentLayout(5L << 30);
        Assert.Equal(SegmentLayout.DefaultSegmentSize, layout.SegmentSize);
        Assert.Equal(81_920, layout.SegmentCount);
        Assert.Equal((5L << 30) + (81_920 * 16), layout.CiphertextLength);
    }

    [Fact]
    public void TryFromCiphertextLength_InvertsCiphertextLength()
    {
        for (var plaintextLength = 0; plaintextLength <= 200; plaintextLength++)
        {
            var ciphertextLength = new SegmentLayout(plaintextLength, 16).CiphertextLength;
            Assert.True(SegmentLayout.TryFromCiphertextLength(ciphertextLength, 16, out var layout));
            Assert.Equal(plaintextLength, layout.PlaintextLength);
            Assert.Equal(16, layout.SegmentSize);
        }
    }

    [Fact]
    public void TryFromCiphertextLength_RejectsEveryImpossibleLength()
    {
        var possible = Enumerable.Range(0, 300).Select(n => new SegmentLayout(n, 16).CiphertextLength).ToHashSet();
        for (long ciphertextLength = 0; ciphertextLength <= 250; ciphertextLength++)
        {
            Assert.Equal(possible.Contains(ciphertextLength), SegmentLayout.TryFromCiphertextLength(ciphertextLength, 16, out _));
        }

        // Shorter than a tag, and an empty segment after a full one.
        Assert.False(SegmentLayout.TryFromCiphertextLength(15, 16, out _));
        Assert.False(SegmentLayout.TryFromCiphertextLength(32 + 16, 16, out _));
    }

    [Theory]
    [InlineData(0, 0, 0, 0, 0, 32, 0)]
    [InlineData(5, 20, 0, 1, 0, 64, 5)]
    [InlineData(16, 16, 1, 1, 32, 32, 0)]
    [InlineData(31, 32, 1, 2, 32, 64, 15)]
    [InlineData(48, 54, 3, 3, 96, 23, 0)]
    [InlineData(0, 54, 0, 3, 0, 119, 0)]
    public void GetRange_CoversTheSegmentsOfTheBytes(long start, long end, long first, long last, long offset, long length, int skip)
    {
        // 55 bytes in segments of 16: three full segments and one of 7.
        var range = new SegmentLayout(55, 16).GetRange(start, end);
        Assert.Equal(new SegmentRange(first, last, offset, length, skip, end - start + 1), range);
    }

    [Theory]
    [InlineData(-1, 3)]
    [InlineData(4, 3)]
    [InlineData(0, 55)]
    [InlineData(55, 55)]
    public void GetRange_OutsideTheObject_Throws(long start, long end) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentLayout(55, 16).GetRange(start, end));

    [Fact]
    public void Whole_OfAnEmptyObject_IsOneEmptySegment() =>
        Assert.Equal(new SegmentRange(0, 0, 0, 16, 0, 0), new SegmentLayout(0, 16).Whole);
}
