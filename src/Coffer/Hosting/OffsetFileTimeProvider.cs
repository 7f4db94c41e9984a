using System.Globalization;
using System.Xml;

namespace Coffer.Hosting;

/// <summary>
/// Real time plus an offset read from a file at every reading (COFFER_LIFECYCLE_CLOCK_OFFSET_FILE):
/// lets tests and operators see what the lifecycle worker would do days from now. The file holds an
/// ISO 8601 duration (<c>P40D</c>, <c>PT36H</c>) or a number of seconds; missing or empty means none.
/// </summary>
internal sealed class OffsetFileTimeProvider(string path, TimeProvider real) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => real.GetUtcNow() + ReadOffset(path);

    public static TimeSpan ReadOffset(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return TimeSpan.Zero;
        }

        return TryParse(text, out var offset)
            ? offset
            : throw new FormatException($"{path}: '{text}' is neither an ISO 8601 duration nor a number of seconds");
    }

    public static bool TryParse(string text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (text.Length == 0)
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            offset = TimeSpan.FromSeconds(seconds);
            return true;
        }

        try
        {
            offset = XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return false;
        }
    }
}
