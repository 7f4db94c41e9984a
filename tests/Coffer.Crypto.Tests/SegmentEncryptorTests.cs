using Coffer.Crypto.Segments;

namespace Coffer.Crypto.Tests;

public sealed class SegmentEncryptorTests
{
    private const int SealedSize = SegmentLayout.DefaultSegmentSize + SegmentLayout.TagSize;

    [Fact]
    public async Task WriteAsync_HoldsBackTheLastSegmentUntilComplete()
    {
        var writes = new List<int>();
        using var key = Segments.Key();
        using var encryptor = new SegmentEncryptor(key, Segments.Binding, SegmentLayout.DefaultSegmentSize, Record(writes));

        // 2 MiB is 32 full segments: everything but the last is sealed, in writes of whole segments of about 1 MiB.
        var plaintext = Segments.Plaintext(2 * 1024 * 1024);
        await encryptor.WriteAsync(plaintext.AsMemory(0, 1024 * 1024), CancellationToken.None);
        await encryptor.WriteAsync(plaintext.AsMemory(1024 * 1024), CancellationToken.None);
        Assert.All(writes, w => Assert.Equal(0, w % SealedSize));
        Assert.InRange(writes.Sum(), 0, 31 * SealedSize);
        Assert.All(writes, w => Assert.InRange(w, 1, 1024 * 1024));

        await encryptor.CompleteAsync(CancellationToken.None);
        Assert.Equal(32 * SealedSize, writes.Sum());
        Assert.Equal(plaintext.Length, encryptor.PlaintextLength);
    }

    [Fact]
    public async Task WriteAsync_ExactlyOneSegment_WritesNothingBeforeComplete()
    {
        var writes = new List<int>();
        using var key = Segments.Key();
        using var encryptor = new SegmentEncryptor(key, Segments.Binding, Segments.SmallSegment, Record(writes));
        await encryptor.WriteAsync(Segments.Plaintext(Segments.SmallSegment), CancellationToken.None);
        Assert.Empty(writes);

        await encryptor.CompleteAsync(CancellationToken.None);
        Assert.Equal([Segments.SmallSegment + SegmentLayout.TagSize], writes);
    }

    [Fact]
    public async Task CompleteAsync_WithNothingWritten_WritesOneEmptyFinalSegment()
    {
        var writes = new List<int>();
        using var key = Segments.Key();
        using var encryptor = new SegmentEncryptor(key, Segments.Binding, SegmentLayout.DefaultSegmentSize, Record(writes));
        await encryptor.CompleteAsync(CancellationToken.None);
        Assert.Equal([SegmentLayout.TagSize], writes);
    }

    [Fact]
    public async Task WriteAsync_AfterComplete_Throws()
    {
        using var key = Segments.Key();
        using var encryptor = new SegmentEncryptor(key, Segments.Binding, Segments.SmallSegment, (_, _) => ValueTask.CompletedTask);
        await encryptor.CompleteAsync(CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => encryptor.WriteAsync(new byte[1], CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => encryptor.CompleteAsync(CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(SegmentLayout.MinSegmentSize - 1)]
    [InlineData(SegmentLayout.MaxSegmentSize + 1)]
    public void Constructor_SegmentSizeOutOfBounds_Throws(int segmentSize)
    {
        using var key = Segments.Key();
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentEncryptor(key, Segments.Binding, segmentSize, (_, _) => ValueTask.CompletedTask));
    }

    private static Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> Record(List<int> writes) => (data, _) =>
    {
        writes.Add(data.Length);
        return ValueTask.CompletedTask;
    };
}
