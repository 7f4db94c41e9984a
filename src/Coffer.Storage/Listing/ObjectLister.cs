using System.Text;

namespace Coffer.Storage.Listing;

/// <summary>
/// S3 listing over a key index: keys in byte order, rolled up into common prefixes at the
/// delimiter. A common prefix is skipped over with one seek past everything beneath it, so the
/// cost follows the size of the page, not the number of keys under each prefix.
/// </summary>
public static class ObjectLister
{
    private const int MaxBatch = 1000;

    public static async Task<ListPage> ListAsync(IKeyRangeReader reader, ListQuery query, CancellationToken cancellationToken)
    {
        var page = new ListPage();
        if (query.MaxKeys <= 0)
        {
            return page;
        }

        var prefix = Encoding.UTF8.GetBytes(query.Prefix);
        var delimiter = string.IsNullOrEmpty(query.Delimiter) ? null : Encoding.UTF8.GetBytes(query.Delimiter);
        var startAfter = query.StartAfter is null ? null : Encoding.UTF8.GetBytes(query.StartAfter);
        var upper = KeyOrder.PrefixUpperBound(prefix);

        var from = prefix;
        if (startAfter is not null && KeyOrder.Compare(startAfter, prefix) >= 0)
        {
            from = KeyOrder.Successor(startAfter);
        }

        // With a delimiter, the rows after the first one under a common prefix are skipped by a
        // seek, so reads start at one row and double only while they come back as plain keys.
        var batchLimit = delimiter is null ? MaxBatch : 1;
        var count = 0;
        while (true)
        {
            // One more than still fits, so a full page knows whether anything follows it.
            var want = Math.Min(query.MaxKeys - count + 1, batchLimit);
            var batch = await reader.ReadAsync(from, upper, want, cancellationToken).ConfigureAwait(false);
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

                    // A marker inside a common prefix means that prefix was returned on an earlier page.
                    if (startAfter is null || KeyOrder.Compare(commonPrefix, startAfter) > 0)
                    {
                        var text = Encoding.UTF8.GetString(commonPrefix);
                        page.CommonPrefixes.Add(text);
                        page.LastReturned = text;
                        count++;
                    }

                    if (next is null)
                    {
                        return page;
                    }

                    from = next;
                    reseek = true;
                    break;
                }

                page.Entries.Add(entry);
                page.LastReturned = Encoding.UTF8.GetString(entry.Key);
                count++;
                from = KeyOrder.Successor(entry.Key);
            }

            if (!reseek && batch.Count < want)
            {
                return page;
            }

            batchLimit = reseek ? 1 : Math.Min(batchLimit * 2, MaxBatch);
        }
    }
}
