using System.Globalization;

namespace Coffer.Cli.Client;

/// <summary>Durations written as on the command line: <c>900</c> (seconds), <c>90s</c>, <c>15m</c>, <c>1h</c>, <c>1h30m</c>, <c>7d</c>.</summary>
internal static class Durations
{
    /// <summary>A positive duration; with <paramref name="allowZero"/> also "0" (as in <c>--grace 0</c>: at once).</summary>
    public static TimeSpan Parse(string text, string option, bool allowZero = false)
    {
        try
        {
            return ParseCore(text, option, allowZero);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw Invalid(text, option);
        }
    }

    private static TimeSpan ParseCore(string text, string option, bool allowZero)
    {
        var total = TimeSpan.Zero;
        var digits = 0;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                digits++;
                continue;
            }

            if (digits == 0)
            {
                throw Invalid(text, option);
            }

            var number = long.Parse(text.AsSpan(i - digits, digits), NumberStyles.None, CultureInfo.InvariantCulture);
            total += text[i] switch
            {
                's' => TimeSpan.FromSeconds(number),
                'm' => TimeSpan.FromMinutes(number),
                'h' => TimeSpan.FromHours(number),
                'd' => TimeSpan.FromDays(number),
                _ => throw Invalid(text, option),
            };
            digits = 0;
            any = true;
        }

        if (digits > 0)
        {
            if (any)
            {
                throw Invalid(text, option);
            }

            total = TimeSpan.FromSeconds(long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture));
        }

        return total > TimeSpan.Zero || (allowZero && text.Length > 0) ? total : throw Invalid(text, option);
    }

    /// <summary>As a person reads it: 1h, 15m, 1h30m, 45s, 90d.</summary>
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        var parts = new List<string>();
        if (seconds >= 86400)
        {
            parts.Add((seconds / 86400).ToString(CultureInfo.InvariantCulture) + "d");
        }

        if (seconds % 86400 >= 3600)
        {
            parts.Add((seconds % 86400 / 3600).ToString(CultureInfo.InvariantCulture) + "h");
        }

        if (seconds % 3600 >= 60)
        {
            parts.Add((seconds % 3600 / 60).ToString(CultureInfo.InvariantCulture) + "m");
        }

        if (seconds % 60 > 0 || parts.Count == 0)
        {
            parts.Add((seconds % 60).ToString(CultureInfo.InvariantCulture) + "s");
        }

        return string.Concat(parts);
    }

    /// <summary>In its largest whole unit, as an age reads: 97d, 5h, 12m, 40s (0s for anything less, or negative).</summary>
    public static string Approximate(TimeSpan duration)
    {
        var seconds = Math.Max(0, (long)duration.TotalSeconds);
        var (size, unit) = seconds switch
        {
            >= 86400 => (86400, "d"),
            >= 3600 => (3600, "h"),
            >= 60 => (60, "m"),
            _ => (1, "s"),
        };
        return (seconds / size).ToString(CultureInfo.InvariantCulture) + unit;
    }

    private static UsageException Invalid(string text, string option) =>
        new($"{option} {text}: expected a duration such as 900, 90s, 15m, 1h or 1h30m");
}
