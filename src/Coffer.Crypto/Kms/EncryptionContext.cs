using System.Buffers.Binary;
using System.Text;

namespace Coffer.Crypto.Kms;

/// <summary>
/// The encryption context as associated data: one byte string per set of pairs, whatever order
/// they came in. Format, must not change (ciphertexts depend on it): a big-endian uint16 count,
/// then per pair, sorted by the key's UTF-8 bytes, a uint16 length and the UTF-8 bytes of the key,
/// then of the value.
/// </summary>
internal static class EncryptionContext
{
    /// <summary>A bound on the encoded context, far above what S3 or a client needs.</summary>
    public const int MaxEncodedBytes = 8 * 1024;

    public static byte[] Canonical(IReadOnlyDictionary<string, string>? context)
    {
        if (context is null || context.Count == 0)
        {
            return [0, 0];
        }

        var pairs = context
            .Select(pair => (Key: Encoding.UTF8.GetBytes(pair.Key), Value: Encoding.UTF8.GetBytes(pair.Value)))
            .ToList();
        pairs.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        var length = 2 + pairs.Sum(pair => 4 + pair.Key.Length + pair.Value.Length);
        if (length > MaxEncodedBytes)
        {
            throw KmsException.Validation($"The encryption context is larger than {MaxEncodedBytes} bytes.");
        }

        var encoded = new byte[length];
        var span = encoded.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)pairs.Count);
        span = span[2..];
        foreach (var (key, value) in pairs)
        {
            span = Write(span, key);
            span = Write(span, value);
        }

        return encoded;
    }

    private static Span<byte> Write(Span<byte> span, byte[] bytes)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)bytes.Length);
        bytes.CopyTo(span[2..]);
        return span[(2 + bytes.Length)..];
    }
}
