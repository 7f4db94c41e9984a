using System.Text;

namespace Coffer.Protocol.Http;

/// <summary>A query string decoded exactly once, in order, with duplicate names kept (SigV4 signs them all).</summary>
public sealed class QueryParameters
{
    private readonly List<KeyValuePair<string, string>> _items;

    private QueryParameters(List<KeyValuePair<string, string>> items) => _items = items;

    public IReadOnlyList<KeyValuePair<string, string>> Items => _items;

    public static QueryParameters Parse(ReadOnlySpan<char> query)
    {
        var items = new List<KeyValuePair<string, string>>();
        if (query.StartsWith('?'))
        {
            query = query[1..];
        }

        foreach (var range in query.Split('&'))
        {
            var part = query[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? [] : part[(eq + 1)..];
            items.Add(new(PercentDecode(name), PercentDecode(value)));
        }

        return new QueryParameters(items);
    }

    public bool Has(string name)
    {
        foreach (var item in _items)
        {
            if (item.Key == name)
            {
                return true;
            }
        }

        return false;
    }

    public string? Get(string name)
    {
        foreach (var item in _items)
        {
            if (item.Key == name)
            {
                return item.Value;
            }
        }

        return null;
    }

    /// <summary>Decodes %XX escapes as UTF-8; '+' stays literal as S3 reads it. Invalid input raises <see cref="FormatException"/>.</summary>
    public static string PercentDecode(ReadOnlySpan<char> value)
    {
        if (!value.Contains('%'))
        {
            return value.ToString();
        }

        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        var length = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
                {
                    throw new FormatException("Invalid percent-encoding.");
                }

                bytes[length++] = (byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2]));
                i += 2;
            }
            else
            {
                // The whole run up to the next escape, so a surrogate pair is encoded as one character.
                var run = value[i..];
                var end = run.IndexOf('%');
                run = end < 0 ? run : run[..end];
                length += Encoding.UTF8.GetBytes(run, bytes.AsSpan(length));
                i += run.Length - 1;
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException ex)
        {
            throw new FormatException("Percent-encoded bytes are not valid UTF-8.", ex);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
