using System.Buffers;
using System.Globalization;
using System.Text;

namespace Coffer.Protocol.Xml;

/// <summary>
/// A small forward-only UTF-8 XML writer for response bodies. Unlike XmlWriter it escapes every
/// character (control characters as character references, as S3 does) instead of refusing it,
/// so no stored key can make a response fail.
/// </summary>
public sealed class XmlBuilder
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public XmlBuilder() => Raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"u8);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    public XmlBuilder Start(string name, string? xmlns = null)
    {
        Raw("<"u8);
        Ascii(name);
        if (xmlns is not null)
        {
            Raw(" xmlns=\""u8);
            Ascii(xmlns);
            Raw("\""u8);
        }

        Raw(">"u8);
        return this;
    }

    public XmlBuilder End(string name)
    {
        Raw("</"u8);
        Ascii(name);
        Raw(">"u8);
        return this;
    }

    public XmlBuilder Element(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        Start(name);
        Text(value);
        return End(name);
    }

    public XmlBuilder Element(string name, long value) => Element(name, value.ToString(CultureInfo.InvariantCulture));

    public XmlBuilder Element(string name, bool value) => Element(name, value ? "true" : "false");

    public XmlBuilder Element(string name, DateTimeOffset value) => Element(name, FormatTimestamp(value));

    /// <summary>S3's XML timestamp form, with milliseconds.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>An element typed with xsi:type, as an ACL's Grantee is.</summary>
    public XmlBuilder StartTyped(string name, string xsiType)
    {
        Raw("<"u8);
        Ascii(name);
        Raw(" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\""u8);
        Text(xsiType);
        Raw("\">"u8);
        return this;
    }

    public XmlBuilder Empty(string name)
    {
        Raw("<"u8);
        Ascii(name);
        Raw("/>"u8);
        return this;
    }

    public XmlBuilder Text(string value)
    {
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var escape = c switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' => "&quot;",
                '\'' => "&apos;",
                < ' ' or '\u007F' => string.Create(CultureInfo.InvariantCulture, $"&#x{(int)c:X};"),
                '\uFFFE' or '\uFFFF' => string.Create(CultureInfo.InvariantCulture, $"&#x{(int)c:X};"),
                _ => null,
            };
            if (escape is null)
            {
                continue;
            }

            Utf8(value.AsSpan(start, i - start));
            Ascii(escape);
            start = i + 1;
        }

        Utf8(value.AsSpan(start));
        return this;
    }

    private void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private void Ascii(string text) => Utf8(text);

    private void Utf8(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _buffer.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
