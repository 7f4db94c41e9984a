namespace Coffer.Storage.Listing;

/// <summary>Reads a bucket's key index in byte order.</summary>
public interface IKeyRangeReader
{
    /// <summary>Up to <paramref name="limit"/> entries with <paramref name="from"/> &lt;= key &lt; <paramref name="to"/> (no upper bound when null), in byte order.</summary>
    Task<IReadOnlyList<ListEntry>> ReadAsync(byte[] from, byte[]? to, int limit, CancellationToken cancellationToken);
}
