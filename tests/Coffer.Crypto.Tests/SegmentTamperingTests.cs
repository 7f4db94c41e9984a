using Coffer.Crypto.Segments;

namespace Coffer.Crypto.Tests;

/// <summary>Every change to a blob, its key or its binding fails at the first segment it affects, and releases nothing of that segment.</summary>
public sealed class SegmentTamperingTests
{
    private const int S = Segments.SmallSegment;
    private const int Sealed = S + SegmentLayout.TagSize;

    // Three full segments and a final one of 7 bytes.
    private static readonly byte[] Plaintext = Segments.Plaintext((3 * S) + 7);
    private static readonly byte[] Ciphertext = Segments.Encrypt(Plaintext, S);

    [Fact]
    public void FlippedBit_AtEveryPosition_FailsItsSegment()
    {
        for (var position = 0; position < Ciphertext.Length; position++)
        {
            foreach (var bit in new[] { 0x01, 0x80 })
            {
                var tampered = (byte[])Ciphertext.Clone();
                tampered[position] ^= (byte)bit;
                Segments.AssertFailsAt(position / Sealed, Plaintext, S, Segments.Decrypt(tampered, Plaintext.Length, S));
            }
        }
    }

    [Fact]
    public void SwappedSegments_Fail()
    {
        var tampered = Concat(Segment(1), Segment(0), Segment(2), Segment(3));
        Segments.AssertFailsAt(0, Plaintext, S, Segments.Decrypt(tampered, Plaintext.Length, S));

        tampered = Concat(Segment(0), Segment(2), Segment(1), Segment(3));
        Segments.AssertFailsAt(1, Plaintext, S, Segments.Decrypt(tampered, Plaintext.Length, S));
    }

    [Fact]
    public void DroppedMiddleSegment_Fails()
    {
        var tampered = Concat(Segment(0), Segment(2), Segment(3));
        Segments.AssertFailsAt(1, Plaintext, S, Segments.Decrypt(tampered, Plaintext.Length, S));

        // Also when the recorded length is shortened to match.
        Segments.AssertFailsAt(1, Plaintext, S, Segments.Decrypt(tampered, Plaintext.Length - S, S));
    }

    [Fact]
    public void TruncatedFinalSegment_Fails()
    {
        for (var cut = 1; cut <= 7 + SegmentLayout.TagSize; cut++)
        {
            Segments.AssertFailsAt(3, Plaintext, S, Segments.Decrypt(Ciphertext[..^cut], Plaintext.Length, S));
        }
    }

    [Fact]
    public void TruncatedAtASegmentBoundary_Fails()
    {
        for (var kept = 0; kept <= 3; kept++)
        {
            var tampered = Ciphertext[..(kept * Sealed)];
            Segments.AssertFailsAt(kept, Plaintext, S, Segments.Decrypt(tampered, Plaintext.Length, S));

            // With the recorded length shortened to match, the last segment left lacks the final flag.
            if (kept > 0)
            {
                Segments.AssertFailsAt(kept - 1, Plaintext, S, Segments.Decrypt(tampered, kept * S, S));
            }
        }
    }

    [Fact]
    public void BytesAppendedAfterTheFinalSegment_Fail()
    {
        Segments.AssertFailsAt(3, Plaintext, S, Segments.Decrypt([.. Ciphertext, 0], Plaintext.Length, S));
        Segments.AssertFailsAt(3, Plaintext, S, Segments.Decrypt([.. Ciphertext, .. Segment(3)], Plaintext.Length, S));

        // A longer recorded length makes the true final segment a middle one, and its flag does not match.
        Segments.AssertFailsAt(3, Plaintext, S, Segments.Decrypt([.. Ciphertext, .. Segment(0)], Plaintext.Length + S, S));
    }

    [Fact]
    public void EmptyObject_WithDataOrWithoutItsSegment_Fails()
    {
        var empty = Segments.Encrypt([], S);
        Segments.AssertFailsAt(0, [], S, Segments.Decrypt([], 0, S));
        Segments.AssertFailsAt(0, [], S, Segments.Decrypt([.. empty, 1], 0, S));

        // A non-empty object recorded as empty.
        Segments.AssertFailsAt(0, Plaintext, S, Segments.Decrypt(Segment(0), 0, S));
    }

    [Fact]
    public void WrongRecordedLength_WithinTheFinalSegment_Fails()
    {
        Segments.AssertFailsAt(3, Plaintext, S, Segments.Decrypt(Ciphertext, Plaintext.Length - 1, S));
        Segments.AssertFailsAt(3, Plaintext, S, Segments.Decrypt(Ciphertext, Plaintext.Length + 1, S));
    }

    [Fact]
    public void WrongSegmentSize_Fails() =>
        Segments.AssertFailsAt(0, Plaintext, 17, Segments.Decrypt(Ciphertext, Plaintext.Length, 17));

    [Theory]
    [InlineData("other-bucket", "2024/cat.jpg", "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", 0)]
    [InlineData("photos", "2024/dog.jpg", "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", 0)]
    [InlineData("photos", "2024/cat.jpg", "older-version", 0)]
    [InlineData("photos", "2024/cat.jpg", "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", 1)]
    [InlineData("photos", "2024/cat.jp", "g3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", 0)]
    public void MovedToAnotherObject_Fails(string bucket, string key, string versionId, int partNumber)
    {
        var binding = new SegmentBinding(bucket, key, versionId, partNumber);
        Segments.AssertFailsAt(0, Plaintext, S, Segments.Decrypt(Ciphertext, Plaintext.Length, S, binding));
    }

    [Fact]
    public void WrongDataKey_Fails()
    {
        using var key = DataKey.Generate();
        Segments.AssertFailsAt(0, Plaintext, S, Segments.Decrypt(Ciphertext, Plaintext.Length, S, key: key));
    }

    [Fact]
    public void SegmentFromAnotherObjectUnderTheSameKey_Fails()
    {
        var other = Segments.Encrypt(Plaintext, S, binding: new SegmentBinding("photos", "2024/dog.jpg", "v", 0));
        var tampered = Concat(Segment(0), other.AsSpan(Sealed, Sealed).ToArray(), Segment(2), Segment(3));
        Segments.AssertFailsAt(1, Plaintext, S, Segments.Decrypt(tampered, Plaintext.Length, S));
    }

    [Fact]
    public async Task ReadAsync_TamperedSegment_FailsAndReleasesOnlyEarlierSegments()
    {
        var tampered = (byte[])Ciphertext.Clone();
        tampered[(2 * Sealed) + 3] ^= 1;
        using var key = Segments.Key();
        await using var stream = new SegmentDecryptingStream(new MemoryStream(tampered), key, Segments.Binding, new SegmentLayout(Plaintext.Length, S));
        var buffer = new byte[1000];
        var delivered = new List<byte>();
        var failure = await Assert.ThrowsAsync<SegmentAuthenticationException>(async () =>
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                delivered.AddRange(buffer.AsSpan(0, read));
            }
        });
        Assert.Equal(2, failure.Segment);
        Assert.Equal(Plaintext[..(2 * S)], delivered);
        await Assert.ThrowsAsync<SegmentAuthenticationException>(async () => _ = await stream.ReadAsync(buffer));
    }

    [Fact]
    public void FailedSegment_DecryptedStraightIntoTheCallersBuffer_LeavesNoPlaintextThere()
    {
        // A flipped tag bit leaves the ciphertext intact, so decryption yields the true plaintext before the check fails.
        var tampered = (byte[])Ciphertext.Clone();
        tampered[(2 * Sealed) - 1] ^= 1;
        using var key = Segments.Key();
        using var stream = new SegmentDecryptingStream(new MemoryStream(tampered), key, Segments.Binding, new SegmentLayout(Plaintext.Length, S));
        var buffer = new byte[1000];

        // The first read hands out segment 0 alone; segment 1's bytes were zeroed where they were decrypted.
        Assert.Equal(S, stream.Read(buffer));
        Assert.Equal(Plaintext[..S], buffer[..S]);
        Assert.True(buffer.AsSpan(S).IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(1, Assert.Throws<SegmentAuthenticationException>(() => stream.Read(buffer)).Segment);
    }

    private static byte[] Segment(int index) => Ciphertext[(index * Sealed)..Math.Min((index + 1) * Sealed, Ciphertext.Length)];

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
