namespace Coffer.Storage.Listing;

/// <summary>Reads a bucket's versions in (key, newest first) order, the current version of each key first.</summary>
public interface IVersionRangeReader
{
    /// <summary>
    /// Up to <paramref name="limit"/> entries with <paramref name="from"/> &lt;= key &lt; <paramref name="to"/>;
    /// with <paramref name="afterVersion"/>, only the versions of the key <paramref name="from"/> whose
    /// <see cref="VersionEntry.SortKey"/> sorts after it, then the keys after <paramref name="from"/>.
    /// </summary>
    Task<IReadOnlyList<VersionEntry>> ReadAsync(byte[] from, string? afterVersion, byte[]? to, int limit, CancellationToken cancellationToken);
}
