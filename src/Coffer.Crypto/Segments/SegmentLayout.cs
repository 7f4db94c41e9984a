namespace Coffer.Crypto.Segments;

/// <summary>
/// Where the bytes of one encrypted blob lie: the plaintext cut into segments of
/// <see cref="SegmentSize"/> bytes (the last one shorter, an empty object one empty segment), each
/// stored as its ciphertext followed by a <see cref="TagSize"/>-byte tag, back to back, so segment
/// i starts at i * (<see cref="SegmentSize"/> + <see cref="TagSize"/>).
/// </summary>
public readonly record struct SegmentLayout
{
    public const int DefaultSegmentSize = 64 * 1024;
    public const int MinSegmentSize = 16;
    public const int MaxSegmentSize = 16 * 1024 * 1024;

    /// <summary>Bytes of the AES-GCM tag after each segment; part of the format, must not change.</summary>
    public const int TagSize = 16;

    /// <summary>Far above S3's 5 TiB objects; keeps every offset computation clear of overflow.</summary>
    public const long MaxPlaintextLength = 1L << 60;

    public SegmentLayout(long plaintextLength, int segmentSize = DefaultSegmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(plaintextLength, MaxPlaintextLength);
        ValidateSegmentSize(segmentSize);
        PlaintextLength = plaintextLength;
        SegmentSize = segmentSize;
    }

    public long PlaintextLength { get; }

    /// <summary>Plaintext bytes per segment, recorded with the object: reading needs the same value.</summary>
    public int SegmentSize { get; }

    public long SegmentCount => PlaintextLength == 0 ? 1 : ((PlaintextLength - 1) / SegmentSize) + 1;

    /// <summary>Index of the segment sealed with the final flag.</summary>
    public long LastSegment => SegmentCount - 1;

    public long CiphertextLength => PlaintextLength + (SegmentCount * TagSize);

    /// <summary>Every segment from the first to the final one.</summary>
    public SegmentRange Whole => new(0, LastSegment, 0, CiphertextLength, 0, PlaintextLength);

    /// <summary>
    /// The layout a blob of <paramref name="ciphertextLength"/> bytes must have; false when no
    /// plaintext encrypts to that length (a blob cut short or grown).
    /// </summary>
    public static bool TryFromCiphertextLength(long ciphertextLength, int segmentSize, out SegmentLayout layout)
    {
        ValidateSegmentSize(segmentSize);
        layout = default;
        if (ciphertextLength < TagSize)
        {
            return false;
        }

        long sealedSize = segmentSize + TagSize;
        var fullSegments = (ciphertextLength - 1) / sealedSize;
        var lastSealed = ciphertextLength - (fullSegments * sealedSize);

        // Only the first segment may be empty; after a full one the final segment holds at least a byte.
        if (lastSealed < (fullSegments > 0 ? TagSize + 1 : TagSize))
        {
            return false;
        }

        var plaintextLength = (fullSegments * segmentSize) + lastSealed - TagSize;
        if (plaintextLength > MaxPlaintextLength)
        {
            return false;
        }

        layout = new SegmentLayout(plaintextLength, segmentSize);
        return true;
    }

    /// <summary>The segments holding plaintext bytes <paramref name="start"/> to <paramref name="end"/>, both included (as in an HTTP Range).</summary>
    public SegmentRange GetRange(long start, long end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(end, PlaintextLength);
        var first = start / SegmentSize;
        var last = end / SegmentSize;
        var offset = SealedOffset(first);
        var endOffset = last == LastSegment ? CiphertextLength : SealedOffset(last + 1);
        return new SegmentRange(first, last, offset, endOffset - offset, (int)(start - (first * SegmentSize)), end - start + 1);
    }

    /// <summary>Where segment <paramref name="segment"/> starts in the blob.</summary>
    public long SealedOffset(long segment) => segment * ((long)SegmentSize + TagSize);

    /// <summary>Plaintext bytes in segment <paramref name="segment"/>.</summary>
    public int PlaintextLengthOf(long segment) =>
        segment < LastSegment ? SegmentSize : (int)(PlaintextLength - (LastSegment * SegmentSize));

    internal static void ValidateSegmentSize(int segmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, MinSegmentSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(segmentSize, MaxSegmentSize);
    }
}
