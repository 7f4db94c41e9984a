using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Coffer.Protocol.Checksums;

/// <summary>CRC-32C (Castagnoli), with the SSE4.2 / ARM CRC instructions when present.</summary>
public sealed class Crc32C
{
    private static readonly uint[] Table = BuildTable();

    private uint _crc = 0xFFFFFFFF;

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _crc;
        if (Sse42.X64.IsSupported)
        {
            var words = MemoryMarshal.Cast<byte, ulong>(data);
            foreach (var word in words)
            {
                crc = (uint)Sse42.X64.Crc32(crc, word);
            }

            data = data[(words.Length * 8)..];
            foreach (var b in data)
            {
                crc = Sse42.Crc32(crc, b);
            }
        }
        else if (Crc32.Arm64.IsSupported)
        {
            var words = MemoryMarshal.Cast<byte, ulong>(data);
            foreach (var word in words)
            {
                crc = Crc32.Arm64.ComputeCrc32C(crc, word);
            }

            data = data[(words.Length * 8)..];
            foreach (var b in data)
            {
                crc = Crc32.ComputeCrc32C(crc, b);
            }
        }
        else
        {
            foreach (var b in data)
            {
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }
        }

        _crc = crc;
    }

    public uint Value => ~_crc;

    /// <summary>The big-endian digest bytes, as S3 encodes CRCs in base64.</summary>
    public void GetDigest(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    private static uint[] BuildTable()
    {
        const uint Polynomial = 0x82F63B78;
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
