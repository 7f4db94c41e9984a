namespace Coffer.Audit.Chain;

/// <summary>Lower-case hex straight to and from UTF-8 bytes, for segment lines without string allocations.</summary>
internal static class Hex
{
    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    public static void Write(ReadOnlySpan<byte> bytes, Span<byte> utf8)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            utf8[2 * i] = Digits[bytes[i] >> 4];
            utf8[(2 * i) + 1] = Digits[bytes[i] & 0xF];
        }
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8, Span<byte> bytes)
    {
        if (utf8.Length != bytes.Length * 2)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            var high = Value(utf8[2 * i]);
            var low = Value(utf8[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            bytes[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    public static bool TryParse(string? text, Span<byte> bytes) =>
        text is not null
        && text.Length == bytes.Length * 2
        && Convert.FromHexString(text, bytes, out _, out _) == System.Buffers.OperationStatus.Done;

    private static int Value(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
