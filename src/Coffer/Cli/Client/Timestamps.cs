using System.Globalization;

namespace Coffer.Cli.Client;

/// <summary>Times as the commands print them (UTC ISO 8601 to the second) and as AWS answers carry them.</summary>
internal static class Timestamps
{
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A time of a server's answer (e.g. CreateDate); an answer without a readable one is invalid.</summary>
    public static DateTimeOffset Parse(string text, string element) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new CofferApiException("InvalidResponse", $"the server's answer has an unreadable {element}: {text}", 200);
}
