using System.Globalization;

namespace Coffer.Bench.Cli;

/// <summary>Sizes as people write them: <c>4KiB</c>, <c>1GiB</c>, <c>10MB</c>, <c>512</c>; bare K/M/G are binary, as dd reads them.</summary>
internal static class ByteSize
{
    public const long KiB = 1024;
    public const long MiB = 1024 * KiB;
    public const long GiB = 1024 * MiB;

    public static long Parse(string text, string what)
    {
        var trimmed = text.Trim();
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits]))
        {
            digits++;
        }

        var unit = trimmed[digits..].Trim();
        long multiplier = unit.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KIB" => KiB,
            "M" or "MIB" => MiB,
            "G" or "GIB" => GiB,
            "KB" => 1000,
            "MB" => 1000 * 1000,
            "GB" => 1000 * 1000 * 1000,
            _ => -1,
        };
        if (digits == 0 || multiplier < 0
            || !long.TryParse(trimmed.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count > long.MaxValue / multiplier)
        {
            throw new UsageException($"{what}: '{text}' is not a size (examples: 4KiB, 1GiB, 10MB, 512)");
        }

        return count * multiplier;
    }

    public static string Format(long bytes) => bytes switch
    {
        >= GiB when bytes % GiB == 0 => $"{bytes / GiB}GiB",
        >= MiB when bytes % MiB == 0 => $"{bytes / MiB}MiB",
        >= KiB when bytes % KiB == 0 => $"{bytes / KiB}KiB",
        _ => $"{bytes}B",
    };
}
