using System.Text;

namespace Coffer.Storage.Listing;

/// <summary>
/// ListObjectVersions over a version index: keys in byte order, each key's versions newest first,
/// rolled up into common prefixes at the delimiter with one seek past each, as <see cref="ObjectLister"/> does.
/// </summary>
public static class VersionLister
{
    private const int MaxBatch = 1000;

    public static async Task<VersionListPage> ListAsync(IVersionRangeReader reader, VersionListQuery query, CancellationToken cancellationToken)
    {
        var page = new VersionListPage();
        if (query.MaxKeys <= 0)
        {
            return page;
        }

        var prefix = Encoding.UTF8.GetBytes(query.Prefix);
        var delimiter = string.IsNullOrEmpty(query.Delimiter) ? null : Encoding.UTF8.GetBytes(query.Delimiter);
        var keyMarker = query.KeyMarker is null ? null : Encoding.UTF8.GetBytes(query.KeyMarker);
        var upper = KeyOrder.PrefixUpperBound(prefix);

        var from = prefix;
        string? after = null;
        if (keyMarker is not null && KeyOrder.Compare(keyMarker, prefix) >= 0)
        {
            (from, after) = query.VersionMarker is null ? (KeyOrder.Successor(keyMarker), null) : (keyMarker, query.VersionMarker);
        }

        var batchLimit = delimiter is null ? MaxBatch : 1;
        var count = 0;
        while (true)
        {
            var want = Math.Min(query.MaxKeys - count + 1, batchLimit);
            var batch = await reader.ReadAsync(from, after, upper, want, cancellationToken).ConfigureAwait(false);
            page.RowsRead += batch.Count;
            if (batch.Count == 0)
            {
                return page;
            }

            var reseek = false;
            foreach (var entry in batch)
            {
                if (count == query.MaxKeys)
                {
                    page.IsTruncated = true;
                    return page;
                }

                var rolledUp = delimiter is null ? -1 : entry.Key.AsSpan(prefix.Length).IndexOf(delimiter);
                if (rolledUp >= 0)
                {
                    var commonPrefix = entry.Key.AsSpan(0, prefix.Length + rolledUp + delimiter!.Length).ToArray();
                    var next = KeyOrder.PrefixUpperBound(commonPrefix);

                    // A key marker inside a common prefix means that prefix was returned on an earlier page.
                    if (keyMarker is null || KeyOrder.Compare(commonPrefix, keyMarker) > 0)
                    {
                        var text = Encoding.UTF8.GetString(commonPrefix);
                        page.CommonPrefixes.Add(text);
                        page.NextKeyMarker = text;
                        page.NextVersionIdMarker = null;
                        count++;
                    }

                    if (next is null)
                    {
                        return page;
                    }

                    (from, after) = (next, null);
                    reseek = true;
                    break;
                }

                page.Entries.Add(entry);
                page.NextKeyMarker = Encoding.UTF8.GetString(entry.Key);
                page.NextVersionIdMarker = entry.PublicVersionId;
                count++;
                (from, after) = (entry.Key, entry.SortKey);
            }

            if (!reseek && batch.Count < want)
            {
                return page;
            }

            batchLimit = reseek ? 1 : Math.Min(batchLimit * 2, MaxBatch);
        }
    }
}
