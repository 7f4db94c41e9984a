using System.Buffers.Binary;

namespace Coffer.Protocol.Checksums;

/// <summary>
/// Whole-object checksums of multipart objects: COMPOSITE (the checksum of the concatenated part
/// checksums, suffixed -N) and FULL_OBJECT for the CRCs, combined from part CRCs and lengths
/// without re-reading data (the GF(2) matrix method of zlib's crc32_combine).
/// </summary>
public static class ChecksumCombiner
{
    public static string Composite(ChecksumAlgorithm algorithm, IReadOnlyList<string> partChecksums)
    {
        var length = algorithm.DigestLength();
        var concatenated = new byte[partChecksums.Count * length];
        for (var i = 0; i < partChecksums.Count; i++)
        {
            if (!Convert.TryFromBase64String(partChecksums[i], concatenated.AsSpan(i * length, length), out var written) || written != length)
            {
                throw new FormatException("A part checksum is not a valid digest.");
            }
        }

        return ChecksumHasher.Compute(algorithm, concatenated) + "-" + partChecksums.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static bool SupportsFullObject(ChecksumAlgorithm algorithm) =>
        algorithm is ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme;

    /// <summary>The CRC of the concatenated parts, from each part's CRC (base64, big-endian) and length.</summary>
    public static string FullObject(ChecksumAlgorithm algorithm, IReadOnlyList<(string Checksum, long Length)> parts)
    {
        var (polynomial, width) = algorithm switch
        {
            ChecksumAlgorithm.Crc32 => (0xEDB88320UL, 32),
            ChecksumAlgorithm.Crc32C => (0x82F63B78UL, 32),
            ChecksumAlgorithm.Crc64Nvme => (0x9A6C9329AC4BC9B5UL, 64),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), "Only CRCs combine into a full-object checksum."),
        };

        ulong combined = 0;
        var first = true;
        foreach (var (checksum, length) in parts)
        {
            var digest = Convert.FromBase64String(checksum);
            var crc = width == 32 ? BinaryPrimitives.ReadUInt32BigEndian(digest) : BinaryPrimitives.ReadUInt64BigEndian(digest);
            combined = first ? crc : Combine(combined, crc, length, polynomial, width);
            first = false;
        }

        var result = new byte[width / 8];
        if (width == 32)
        {
            BinaryPrimitives.WriteUInt32BigEndian(result, (uint)combined);
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(result, combined);
        }

        return Convert.ToBase64String(result);
    }

    internal static ulong Combine(ulong crc1, ulong crc2, long length2, ulong polynomial, int width)
    {
        if (length2 <= 0)
        {
            return crc1;
        }

        var even = new ulong[width];
        var odd = new ulong[width];

        // The operator for one zero bit, then squared to two and four bits.
        odd[0] = polynomial;
        ulong row = 1;
        for (var n = 1; n < width; n++)
        {
            odd[n] = row;
            row <<= 1;
        }

        Square(even, odd);
        Square(odd, even);

        // Apply length2 zero bytes to crc1, one bit of length2 at a time.
        do
        {
            Square(even, odd);
            if ((length2 & 1) != 0)
            {
                crc1 = Times(even, crc1);
            }

            length2 >>= 1;
            if (length2 == 0)
            {
                break;
            }

            Square(odd, even);
            if ((length2 & 1) != 0)
            {
                crc1 = Times(odd, crc1);
            }

            length2 >>= 1;
        }
        while (length2 != 0);

        return crc1 ^ crc2;
    }

    private static ulong Times(ulong[] matrix, ulong vector)
    {
        ulong sum = 0;
        for (var i = 0; vector != 0; i++, vector >>= 1)
        {
            if ((vector & 1) != 0)
            {
                sum ^= matrix[i];
            }
        }

        return sum;
    }

    private static void Square(ulong[] square, ulong[] matrix)
    {
        for (var n = 0; n < matrix.Length; n++)
        {
            square[n] = Times(matrix, matrix[n]);
        }
    }
}
