using Coffer.Crypto.Segments;

namespace Coffer.Crypto.Tests;

public sealed class SegmentRoundTripTests
{
    public static TheoryData<int, int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (var segmentSize in new[] { Segments.SmallSegment, SegmentLayout.DefaultSegmentSize })
        {
            foreach (var length in new[] { 0, 1, segmentSize - 1, segmentSize, segmentSize + 1, 3 * segmentSize, (3 * segmentSize) + 7 })
            {
                // One byte at a time, odd sizes that straddle segment boundaries, one big write.
                foreach (var (chunk, readSize) in new[] { (1, 1), (7, 4099), (segmentSize + 3, 5), (int.MaxValue, 1024 * 1024) })
                {
                    data.Add(segmentSize, length, chunk, readSize);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncryptThenDecrypt_ReturnsThePlaintext(int segmentSize, int length, int chunk, int readSize)
    {
        var plaintext = Segments.Plaintext(length);
        var ciphertext = Segments.Encrypt(plaintext, segmentSize, chunk);

        var layout = new SegmentLayout(length, segmentSize);
        Assert.Equal(layout.CiphertextLength, ciphertext.Length);
        var (delivered, failure) = Segments.Decrypt(ciphertext, length, segmentSize, readSize: readSize);
        Assert.Null(failure);
        Assert.Equal(plaintext, delivered);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData((3 * SegmentLayout.DefaultSegmentSize) + 7)]
    [InlineData((40 * SegmentLayout.DefaultSegmentSize) + 5)]
    public async Task EncryptThenDecryptAsync_ReturnsThePlaintext(int length)
    {
        var plaintext = Segments.Plaintext(length);
        var ciphertext = Segments.Encrypt(plaintext, SegmentLayout.DefaultSegmentSize, chunk: 1024 * 1024);

        using var key = Segments.Key();
        await using var stream = new SegmentDecryptingStream(new MemoryStream(ciphertext), key, Segments.Binding, new SegmentLayout(length));
        using var delivered = new MemoryStream();
        await stream.CopyToAsync(delivered, 100_000);
        Assert.Equal(plaintext, delivered.ToArray());
    }

    [Fact]
    public void Encrypt_SameInputTwice_GivesTheSameCiphertext()
    {
        // Deterministic given key and binding: nothing random goes into a segment besides the data key.
        var plaintext = Segments.Plaintext(100);
        Assert.Equal(Segments.Encrypt(plaintext, Segments.SmallSegment), Segments.Encrypt(plaintext, Segments.SmallSegment, chunk: 3));
    }

    [Fact]
    public void Encrypt_FreshKeys_GiveDifferentCiphertexts()
    {
        var plaintext = Segments.Plaintext(100);
        using var first = DataKey.Generate();
        using var second = DataKey.Generate();
        Assert.NotEqual(
            Segments.Encrypt(plaintext, Segments.SmallSegment, key: first),
            Segments.Encrypt(plaintext, Segments.SmallSegment, key: second));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dispose_ClosesTheCiphertextUnlessLeftOpen(bool leaveOpen)
    {
        using var key = Segments.Key();
        var source = new MemoryStream(Segments.Encrypt([1, 2, 3], Segments.SmallSegment));
        new SegmentDecryptingStream(source, key, Segments.Binding, new SegmentLayout(3, Segments.SmallSegment), leaveOpen).Dispose();
        Assert.Equal(leaveOpen, source.CanRead);
    }
}
