namespace Coffer.Storage.Listing;

/// <param name="Prefix">Only keys that start with it.</param>
/// <param name="Delimiter">Keys with the delimiter after the prefix roll up into one common prefix.</param>
/// <param name="KeyMarker">Start after this key (or, with a version marker, inside it).</param>
/// <param name="VersionMarker">The <see cref="VersionEntry.SortKey"/> of the version of <paramref name="KeyMarker"/> to start after.</param>
/// <param name="MaxKeys">Versions, delete markers and common prefixes together.</param>
public sealed record VersionListQuery(string Prefix, string? Delimiter, string? KeyMarker, string? VersionMarker, int MaxKeys);
