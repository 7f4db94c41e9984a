namespace Coffer.Storage.Listing;

/// <param name="Prefix">Only keys that start with it.</param>
/// <param name="Delimiter">Keys with the delimiter after the prefix roll up into one common prefix.</param>
/// <param name="StartAfter">Exclusive lower bound (marker, start-after or a continuation token).</param>
/// <param name="MaxKeys">Keys and common prefixes together, as S3 counts them.</param>
public sealed record ListQuery(string Prefix, string? Delimiter, string? StartAfter, int MaxKeys);
