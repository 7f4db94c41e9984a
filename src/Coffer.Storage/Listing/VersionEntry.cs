using Coffer.Storage.Versions;

namespace Coffer.Storage.Listing;

/// <summary>One row of ListObjectVersions: a version or a delete marker of a key.</summary>
/// <param name="VersionId">The internal id (null for a row older than versioning); see <see cref="PublicVersionId"/>.</param>
public sealed record VersionEntry(
    byte[] Key,
    string? VersionId,
    bool IsNullVersion,
    bool IsDeleteMarker,
    bool IsLatest,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    string? ChecksumAlgorithm,
    string? ChecksumType)
{
    public string PublicVersionId => IsNullVersion || VersionId is null ? VersionIds.Null : VersionId;

    /// <summary>Where the entry sorts among its key's versions: the current first, then newest first.</summary>
    public string SortKey => VersionId ?? string.Empty;
}
