using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffer.Crypto.Kms;

/// <summary>
/// The ciphertext blob of Encrypt and GenerateDataKey (a wrapped data key is one of these).
/// Self-describing, so Decrypt needs nothing but the blob and the encryption context.
/// <code>
/// offset  size  field
///      0     1  format version, 1
///      1    16  key id (the UUID's bytes, big-endian as written)
///     17     4  key version, big-endian
///     21    32  nonce, random
///     53    16  AES-GCM tag
///     69     n  ciphertext, as long as the plaintext
/// </code>
/// AES-256-GCM under a key and IV derived for this blob alone: HKDF-SHA256 of the key version's
/// material with the nonce as salt and bytes 0..21 as info, 44 bytes = 32 key + 12 IV. So no
/// GCM key ever sees two IVs, however many blobs one key version makes (a random 96-bit IV under
/// one key is only safe for 2^32 messages). Associated data: bytes 0..21, then the canonical
/// encryption context (<see cref="EncryptionContext"/>). The format must not change; a new one
/// takes a new version byte. A fixed-vector test pins it.
/// </summary>
internal static class KmsCiphertext
{
    public const byte FormatVersion = 1;
    public const int HeaderSize = 21;
    public const int NonceSize = 32;
    public const int TagSize = 16;
    public const int Overhead = HeaderSize + NonceSize + TagSize;

    private const int IvSize = 12;
    private const int KeySize = 32;

    public static byte[] Seal(Guid keyId, int version, ReadOnlySpan<byte> material, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> canonicalContext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(nonce);
        return Seal(keyId, version, material, plaintext, canonicalContext, nonce);
    }

    /// <summary>With a chosen nonce: only for the fixed-vector test; a nonce must never repeat.</summary>
    internal static byte[] Seal(Guid keyId, int version, ReadOnlySpan<byte> material, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> canonicalContext, ReadOnlySpan<byte> nonce)
    {
        var blob = new byte[Overhead + plaintext.Length];
        var header = blob.AsSpan(0, HeaderSize);
        header[0] = FormatVersion;
        keyId.TryWriteBytes(header.Slice(1, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32BigEndian(header[17..], (uint)version);
        nonce.CopyTo(blob.AsSpan(HeaderSize, NonceSize));

        Span<byte> derived = stackalloc byte[KeySize + IvSize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, material, derived, nonce, header);
            using var aes = new AesGcm(derived[..KeySize], TagSize);
            aes.Encrypt(derived[KeySize..], plaintext, blob.AsSpan(Overhead), blob.AsSpan(HeaderSize + NonceSize, TagSize), AssociatedData(header, canonicalContext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }

        return blob;
    }

    /// <summary>The key and version a blob names; false when it is not a blob of this format.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> blob, out Guid keyId, out int version)
    {
        keyId = Guid.Empty;
        version = 0;
        if (blob.Length < Overhead || blob[0] != FormatVersion)
        {
            return false;
        }

        keyId = new Guid(blob.Slice(1, 16), bigEndian: true);
        var raw = BinaryPrimitives.ReadUInt32BigEndian(blob[17..]);
        if (raw is 0 or > int.MaxValue)
        {
            return false;
        }

        version = (int)raw;
        return true;
    }

    public static int PlaintextLength(ReadOnlySpan<byte> blob) => blob.Length - Overhead;

    /// <summary>Decrypts into <paramref name="plaintext"/> (<see cref="PlaintextLength"/> bytes); false when the blob or the context was altered.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> material, ReadOnlySpan<byte> canonicalContext, Span<byte> plaintext)
    {
        var header = blob[..HeaderSize];
        var nonce = blob.Slice(HeaderSize, NonceSize);
        Span<byte> derived = stackalloc byte[KeySize + IvSize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, material, derived, nonce, header);
            using var aes = new AesGcm(derived[..KeySize], TagSize);
            aes.Decrypt(derived[KeySize..], blob[Overhead..], blob.Slice(HeaderSize + NonceSize, TagSize), plaintext, AssociatedData(header, canonicalContext));
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, ReadOnlySpan<byte> canonicalContext)
    {
        var associated = new byte[header.Length + canonicalContext.Length];
        header.CopyTo(associated);
        canonicalContext.CopyTo(associated.AsSpan(header.Length));
        return associated;
    }
}
