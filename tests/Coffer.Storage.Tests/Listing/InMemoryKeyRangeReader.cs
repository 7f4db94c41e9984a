using System.Text;
using Coffer.Storage.Listing;

namespace Coffer.Storage.Tests.Listing;

/// <summary>A sorted key index in memory that counts what the lister asks of it.</summary>
internal sealed class InMemoryKeyRangeReader : IKeyRangeReader
{
    private readonly List<byte[]> _keys;

    public InMemoryKeyRangeReader(IEnumerable<string> keys)
        : this(keys.Select(Encoding.UTF8.GetBytes))
    {
    }

    public InMemoryKeyRangeReader(IEnumerable<byte[]> keys)
    {
        _keys = keys.ToList();
        _keys.Sort((a, b) => KeyOrder.Compare(a, b));
    }

    public int Calls { get; private set; }

    public int RowsReturned { get; private set; }

    public int LargestLimit { get; private set; }

    public Task<IReadOnlyList<ListEntry>> ReadAsync(byte[] from, byte[]? to, int limit, CancellationToken cancellationToken)
    {
        Assert.True(limit > 0, "The lister asked for no rows.");
        Calls++;
        LargestLimit = Math.Max(LargestLimit, limit);

        var start = LowerBound(from);
        var entries = new List<ListEntry>();
        for (var i = start; i < _keys.Count && entries.Count < limit; i++)
        {
            if (to is not null && KeyOrder.Compare(_keys[i], to) >= 0)
            {
                break;
            }

            entries.Add(new ListEntry(_keys[i], _keys[i].Length, "etag", DateTimeOffset.UnixEpoch));
        }

        RowsReturned += entries.Count;
        return Task.FromResult<IReadOnlyList<ListEntry>>(entries);
    }

    private int LowerBound(byte[] key)
    {
        int low = 0, high = _keys.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (KeyOrder.Compare(_keys[mid], key) < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
