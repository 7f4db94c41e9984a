namespace Coffer.Storage.Listing;

/// <summary>Byte-order arithmetic on UTF-8 keys, the order S3 lists in.</summary>
public static class KeyOrder
{
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceCompareTo(b);

    /// <summary>The smallest key greater than <paramref name="key"/>.</summary>
    public static byte[] Successor(ReadOnlySpan<byte> key)
    {
        var next = new byte[key.Length + 1];
        key.CopyTo(next);
        return next;
    }

    /// <summary>The smallest key that does not start with <paramref name="prefix"/> and sorts after it; null when there is none.</summary>
    public static byte[]? PrefixUpperBound(ReadOnlySpan<byte> prefix)
    {
        var bound = prefix.ToArray();
        for (var i = bound.Length - 1; i >= 0; i--)
        {
            if (bound[i] != 0xFF)
            {
                bound[i]++;
                return bound[..(i + 1)];
            }
        }

        return null;
    }
}
