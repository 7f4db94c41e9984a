using Coffer.Crypto.Segments;

namespace Coffer.Crypto.Tests;

public sealed class SegmentRangeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(48)]
    [InlineData(55)]
    public void EveryRange_ReadsExactlyThoseBytes_FromOnlyTheSegmentsItTouches(int length)
    {
        var plaintext = Segments.Plaintext(length);
        var ciphertext = Segments.Encrypt(plaintext, Segments.SmallSegment);
        var layout = new SegmentLayout(length, Segments.SmallSegment);
        using var key = Segments.Key();
        for (var start = 0; start < length; start++)
        {
            for (var end = start; end < length; end++)
            {
                var range = layout.GetRange(start, end);
                var source = new TrackingStream(ciphertext) { Position = range.CiphertextOffset };
                using var stream = new SegmentDecryptingStream(source, key, Segments.Binding, layout, start, end);
                var (delivered, failure) = Segments.ReadAll(stream, 5);

                Assert.Null(failure);
                Assert.Equal(plaintext[start..(end + 1)], delivered);

                // Nothing before the first segment needed, nothing after the last one (bar one byte
                // after the final segment, read to see that the blob ends there).
                var probe = range.LastSegment == layout.LastSegment ? 1 : 0;
                Assert.Equal(range.CiphertextOffset, source.LowestRead);
                Assert.InRange(source.HighestRead, 0, range.CiphertextOffset + range.CiphertextLength + probe);
            }
        }
    }

    [Fact]
    public void Range_InALargeObject_ReadsOnlyItsSegments()
    {
        var plaintext = Segments.Plaintext(100 * SegmentLayout.DefaultSegmentSize);
        var ciphertext = Segments.Encrypt(plaintext, SegmentLayout.DefaultSegmentSize, chunk: 1024 * 1024);
        var layout = new SegmentLayout(plaintext.Length);
        var (start, end) = ((40L * SegmentLayout.DefaultSegmentSize) + 100, (42L * SegmentLayout.DefaultSegmentSize) + 5);
        var range = layout.GetRange(start, end);
        Assert.Equal(3 * (SegmentLayout.DefaultSegmentSize + SegmentLayout.TagSize), range.CiphertextLength);

        using var key = Segments.Key();
        var source = new TrackingStream(ciphertext) { Position = range.CiphertextOffset };
        using var stream = new SegmentDecryptingStream(source, key, Segments.Binding, layout, start, end);
        var (delivered, failure) = Segments.ReadAll(stream, 64 * 1024);
        Assert.Null(failure);
        Assert.Equal(plaintext[(int)start..(int)(end + 1)], delivered);
        Assert.Equal(range.CiphertextOffset + range.CiphertextLength, source.HighestRead);
    }

    [Fact]
    public void Range_WithATamperedSegmentOutsideIt_StillReads()
    {
        var plaintext = Segments.Plaintext(55);
        var ciphertext = Segments.Encrypt(plaintext, Segments.SmallSegment);
        ciphertext[^1] ^= 1;
        var layout = new SegmentLayout(55, Segments.SmallSegment);
        var range = layout.GetRange(16, 31);
        using var key = Segments.Key();
        using var stream = new SegmentDecryptingStream(new MemoryStream(ciphertext) { Position = range.CiphertextOffset }, key, Segments.Binding, layout, 16, 31);
        Assert.Equal(plaintext[16..32], Segments.ReadAll(stream, 100).Delivered);
    }

    /// <summary>A read-only stream over an array that records which offsets were read.</summary>
    private sealed class TrackingStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public long LowestRead { get; private set; } = long.MaxValue;

        public long HighestRead { get; private set; }

        // A derived MemoryStream's span reads go through this overload.
        public override int Read(byte[] buffer, int offset, int count)
        {
            LowestRead = Math.Min(LowestRead, Position);
            var read = base.Read(buffer, offset, count);
            HighestRead = Math.Max(HighestRead, Position);
            return read;
        }
    }
}
