using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Http;

public enum PreconditionResult
{
    Proceed,
    NotModified,
    Failed,
}

/// <summary>HTTP conditional headers evaluated in the order S3 documents for GetObject and CopyObject.</summary>
public static class Preconditions
{
    /// <param name="prefix">"" for If-*, "x-amz-copy-source-" for CopyObject's source conditions.</param>
    public static (PreconditionResult Result, string? Condition) Evaluate(IHeaderDictionary headers, string etag, DateTimeOffset lastModified, string prefix = "")
    {
        var modified = TruncateToSeconds(lastModified);
        var ifMatch = Header(headers, prefix + "If-Match");
        var ifNoneMatch = Header(headers, prefix + "If-None-Match");
        var ifModifiedSince = ParseDate(Header(headers, prefix + "If-Modified-Since"));
        var ifUnmodifiedSince = ParseDate(Header(headers, prefix + "If-Unmodified-Since"));

        if (ifMatch is not null)
        {
            if (!ETagListMatches(ifMatch, etag))
            {
                return (PreconditionResult.Failed, "If-Match");
            }
        }
        else if (ifUnmodifiedSince is { } unmodified && modified > unmodified)
        {
            return (PreconditionResult.Failed, "If-Unmodified-Since");
        }

        if (ifNoneMatch is not null)
        {
            if (ETagListMatches(ifNoneMatch, etag))
            {
                return (PreconditionResult.NotModified, "If-None-Match");
            }
        }
        else if (ifModifiedSince is { } since && modified <= since)
        {
            return (PreconditionResult.NotModified, "If-Modified-Since");
        }

        return (PreconditionResult.Proceed, null);
    }

    /// <summary>Whether a comma-separated list of entity tags (quoted or not, "*" for any) names <paramref name="etag"/>.</summary>
    public static bool ETagListMatches(string list, string etag)
    {
        foreach (var raw in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
            if (candidate == "*" || candidate.Trim('"') == etag)
            {
                return true;
            }
        }

        return false;
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;

    private static DateTimeOffset? ParseDate(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : null;

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
