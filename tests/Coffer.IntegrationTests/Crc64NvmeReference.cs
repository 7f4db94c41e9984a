namespace Coffer.IntegrationTests;

/// <summary>
/// CRC-64/NVME written out plainly (one table, a byte at a time) so the tests check the
/// server's faster implementation and its part combination against an independent one.
/// </summary>
public static class Crc64NvmeReference
{
    private const ulong ReflectedPolynomial = 0x9A6C9329AC4BC9B5;

    private static readonly ulong[] Table = BuildTable();

    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        var crc = ulong.MaxValue;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }

            table[i] = crc;
        }

        return table;
    }
}
