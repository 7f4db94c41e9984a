using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffer.Crypto.Segments;

/// <summary>
/// Seals and opens single segments of one object: AES-256-GCM under the object's data key, with a
/// nonce made of the segment's index and final flag, and the object's binding as associated data.
/// </summary>
internal sealed class SegmentCipher : IDisposable
{
    // Nonce, must not change: the segment index as 11 bytes big-endian, then 1 for the final segment, else 0.
    // Deterministic nonces are safe because every data key encrypts exactly one object.
    private const int NonceSize = 12;

    private readonly AesGcm _aes;
    private readonly byte[] _associatedData;

    public SegmentCipher(DataKey key, SegmentBinding binding, int segmentSize)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(binding);
        _associatedData = binding.ToAssociatedData(segmentSize);
        _aes = new AesGcm(key.Bytes, SegmentLayout.TagSize);
    }

    /// <summary>Writes the ciphertext of <paramref name="plaintext"/> and its tag to <paramref name="destination"/>.</summary>
    public void Seal(long segment, bool final, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        WriteNonce(nonce, segment, final);
        _aes.Encrypt(nonce, plaintext, destination[..plaintext.Length], destination.Slice(plaintext.Length, SegmentLayout.TagSize), _associatedData);
    }

    /// <summary>
    /// Verifies and decrypts a sealed segment into <paramref name="plaintext"/>, which may be the
    /// segment's own ciphertext bytes. On failure AesGcm zeroes <paramref name="plaintext"/> before
    /// throwing, so no unverified byte is left there.
    /// </summary>
    public void Open(long segment, bool final, ReadOnlySpan<byte> sealedSegment, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        WriteNonce(nonce, segment, final);
        var length = sealedSegment.Length - SegmentLayout.TagSize;
        try
        {
            _aes.Decrypt(nonce, sealedSegment[..length], sealedSegment[length..], plaintext[..length], _associatedData);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SegmentAuthenticationException(segment, "the tag does not match");
        }
    }

    public void Dispose() => _aes.Dispose();

    private static void WriteNonce(Span<byte> nonce, long segment, bool final)
    {
        nonce[..3].Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce[3..11], segment);
        nonce[11] = final ? (byte)1 : (byte)0;
    }
}
