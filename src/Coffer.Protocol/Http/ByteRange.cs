using System.Globalization;

namespace Coffer.Protocol.Http;

/// <summary>A single satisfiable byte range of an object.</summary>
public readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;

    /// <summary>
    /// Resolves a Range header against an object size. Returns null when there is no header or it
    /// is not a single well-formed byte range (HTTP says to ignore it then and send the whole
    /// object); throws <see cref="RangeNotSatisfiableException"/> when no byte of it exists.
    /// </summary>
    public static ByteRange? Resolve(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var value = header.Trim();
        if (!value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var spec = value[6..].Trim();
        if (spec.Contains(','))
        {
            return null;
        }

        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return null;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!TryParse(last, out var suffix))
            {
                return null;
            }

            if (suffix == 0 || size == 0)
            {
                throw new RangeNotSatisfiableException();
            }

            var length = Math.Min(suffix, size);
            return new ByteRange(size - length, length);
        }

        if (!TryParse(first, out var start))
        {
            return null;
        }

        long end;
        if (last.Length == 0)
        {
            end = size - 1;
        }
        else if (!TryParse(last, out end) || end < start)
        {
            return null;
        }

        if (start >= size)
        {
            throw new RangeNotSatisfiableException();
        }

        end = Math.Min(end, size - 1);
        return new ByteRange(start, end - start + 1);
    }

    private static bool TryParse(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

public sealed class RangeNotSatisfiableException : Exception
{
    public RangeNotSatisfiableException()
        : base("The requested range is not satisfiable")
    {
    }
}
