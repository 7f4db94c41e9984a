using System.Text;
using Coffer.Storage.Versions;

namespace Coffer.Storage.Lifecycle;

/// <summary>One version or delete marker as a background scan sees it: no content, tags included.</summary>
/// <param name="VersionId">The internal id; null for a row older than version ids.</param>
/// <param name="IsLatest">The key's current version (or delete marker).</param>
public sealed record VersionRow(
    byte[] KeyBytes,
    string? VersionId,
    bool IsNullVersion,
    bool IsDeleteMarker,
    bool IsLatest,
    long Size,
    DateTimeOffset LastModified,
    IReadOnlyList<KeyValuePair<string, string>> Tags)
{
    public string Key { get; } = Encoding.UTF8.GetString(KeyBytes);

    public string PublicVersionId => IsNullVersion || VersionId is null ? VersionIds.Null : VersionId;

    /// <summary>Where the row sorts among its key's versions, as a scan continues after it.</summary>
    public string SortKey => VersionId ?? string.Empty;
}
