using System.Security.Cryptography;
using Coffer.Crypto;

namespace Coffer.Protocol.S3.Encryption;

/// <summary>
/// SSE-C: the customer's key never touches the disk. A write's data key is sealed under it
/// (AES-256-GCM, bound to the write), and a salted HMAC of it lets a read with another key be
/// refused before anything is decrypted.
/// </summary>
internal static class CustomerKeys
{
    private const int SaltSize = 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static (byte[] Salt, byte[] Hmac) Fingerprint(ReadOnlySpan<byte> customerKey)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        return (salt, HMACSHA256.HashData(salt, customerKey));
    }

    /// <summary>Whether <paramref name="customerKey"/> is the key the fingerprint was made from, in constant time.</summary>
    public static bool Matches(ReadOnlySpan<byte> customerKey, byte[] salt, byte[] hmac) =>
        CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(salt, customerKey), hmac);

    /// <summary>The data key sealed under the customer's key: nonce, tag, ciphertext.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> customerKey, DataKey dataKey, ReadOnlySpan<byte> associatedData)
    {
        var key = dataKey.Bytes;
        var wrapped = new byte[NonceSize + TagSize + key.Length];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, NonceSize));
        using var aes = new AesGcm(customerKey, TagSize);
        aes.Encrypt(wrapped.AsSpan(0, NonceSize), key, wrapped.AsSpan(NonceSize + TagSize), wrapped.AsSpan(NonceSize, TagSize), associatedData);
        return wrapped;
    }

    /// <summary>The data key back; <see cref="AuthenticationTagMismatchException"/> for another key or an altered record.</summary>
    public static DataKey Unwrap(ReadOnlySpan<byte> customerKey, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        if (wrapped.Length != NonceSize + TagSize + 32)
        {
            throw new AuthenticationTagMismatchException();
        }

        Span<byte> key = stackalloc byte[32];
        try
        {
            using var aes = new AesGcm(customerKey, TagSize);
            aes.Decrypt(wrapped[..NonceSize], wrapped[(NonceSize + TagSize)..], wrapped.Slice(NonceSize, TagSize), key, associatedData);
            return DataKey.FromBytes(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
