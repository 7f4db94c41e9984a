using System.Buffers.Binary;

namespace Coffer.Protocol.Checksums;

/// <summary>CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), table-driven, eight bytes a step.</summary>
public sealed class Crc64Nvme
{
    private static readonly ulong[][] Tables = BuildTables();

    private ulong _crc = ulong.MaxValue;

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _crc;
        var t = Tables;
        while (data.Length >= 8)
        {
            crc ^= BinaryPrimitives.ReadUInt64LittleEndian(data);
            crc = t[7][crc & 0xFF] ^ t[6][(crc >> 8) & 0xFF] ^ t[5][(crc >> 16) & 0xFF] ^ t[4][(crc >> 24) & 0xFF]
                ^ t[3][(crc >> 32) & 0xFF] ^ t[2][(crc >> 40) & 0xFF] ^ t[1][(crc >> 48) & 0xFF] ^ t[0][crc >> 56];
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = t[0][(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        _crc = crc;
    }

    public ulong Value => ~_crc;

    public void GetDigest(Span<byte> destination) => BinaryPrimitives.WriteUInt64BigEndian(destination, Value);

    private static ulong[][] BuildTables()
    {
        const ulong Polynomial = 0x9A6C9329AC4BC9B5;
        var tables = new ulong[8][];
        tables[0] = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            tables[0][i] = c;
        }

        for (var n = 1; n < 8; n++)
        {
            tables[n] = new ulong[256];
            for (var i = 0; i < 256; i++)
            {
                var previous = tables[n - 1][i];
                tables[n][i] = tables[0][previous & 0xFF] ^ (previous >> 8);
            }
        }

        return tables;
    }
}
