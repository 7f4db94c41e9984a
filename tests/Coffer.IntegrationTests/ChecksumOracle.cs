using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffer.IntegrationTests;

/// <summary>
/// The S3 additional checksums computed independently of the server's code (plain bitwise CRCs),
/// as base64 of the big-endian digest, which is how S3 writes them.
/// </summary>
public static class ChecksumOracle
{
    public static string Compute(string algorithm, ReadOnlySpan<byte> data) => algorithm switch
    {
        "CRC32" => Base64(Crc32(data, 0xEDB88320u)),
        "CRC32C" => Base64(Crc32(data, 0x82F63B78u)),
        "CRC64NVME" => Base64(Crc64(data, 0x9A6C9329AC4BC9B5ul)),
        "SHA1" => Convert.ToBase64String(SHA1.HashData(data)),
        "SHA256" => Convert.ToBase64String(SHA256.HashData(data)),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    /// <summary>Reflected CRC-32 with initial value and final xor all ones.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data, uint reflectedPolynomial)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ reflectedPolynomial : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>Reflected CRC-64 with initial value and final xor all ones.</summary>
    public static ulong Crc64(ReadOnlySpan<byte> data, ulong reflectedPolynomial)
    {
        var crc = ulong.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ reflectedPolynomial : crc >> 1;
            }
        }

        return ~crc;
    }

    private static string Base64(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return Convert.ToBase64String(bytes);
    }

    private static string Base64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return Convert.ToBase64String(bytes);
    }
}
