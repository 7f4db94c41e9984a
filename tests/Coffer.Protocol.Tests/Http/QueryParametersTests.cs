using Coffer.Protocol.Http;

namespace Coffer.Protocol.Tests.Http;

public sealed class QueryParametersTests
{
    [Fact]
    public void Parse_KeepsOrderAndDuplicates()
    {
        var query = QueryParameters.Parse("?b=2&a=1&b=3");

        Assert.Equal(
            [new("b", "2"), new("a", "1"), new("b", "3")],
            query.Items);
        Assert.Equal("2", query.Get("b"));
    }

    [Fact]
    public void Parse_NameWithoutEquals_HasEmptyValue()
    {
        var query = QueryParameters.Parse("uploads&uploadId=x");

        Assert.True(query.Has("uploads"));
        Assert.Equal(string.Empty, query.Get("uploads"));
        Assert.Equal("x", query.Get("uploadId"));
    }

    [Fact]
    public void Parse_ValueMaySplitOnlyAtTheFirstEquals()
    {
        var query = QueryParameters.Parse("a=b=c&d=");

        Assert.Equal("b=c", query.Get("a"));
        Assert.Equal(string.Empty, query.Get("d"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("&&")]
    public void Parse_EmptyParts_AreSkipped(string raw)
    {
        Assert.Empty(QueryParameters.Parse(raw).Items);
    }

    [Fact]
    public void Parse_DecodesNamesAndValues()
    {
        var query = QueryParameters.Parse("prefix=photos%2F2006%2F&delimiter=%2F&x%2Dy=%E2%82%ac");

        Assert.Equal("photos/2006/", query.Get("prefix"));
        Assert.Equal("/", query.Get("delimiter"));
        Assert.Equal("\u20ac", query.Get("x-y"));
    }

    [Fact]
    public void HasAndGet_AreCaseSensitive()
    {
        var query = QueryParameters.Parse("uploadId=x");

        Assert.False(query.Has("uploadid"));
        Assert.Null(query.Get("UploadId"));
        Assert.Null(query.Get("missing"));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a%20b", "a b")]
    [InlineData("a+b", "a+b")]
    [InlineData("a%2Bb", "a+b")]
    [InlineData("%2f%2F", "//")]
    [InlineData("%25", "%")]
    [InlineData("%2541", "%41")]
    [InlineData("%C3%A9t%C3%A9", "\u00e9t\u00e9")]
    [InlineData("%F0%9F%98%80", "\U0001F600")]
    [InlineData("\u00e9%20", "\u00e9 ")]
    [InlineData("\U0001F600%20\U0001F600", "\U0001F600 \U0001F600")]
    public void PercentDecode_DecodesEscapesAsUtf8(string raw, string expected)
    {
        Assert.Equal(expected, QueryParameters.PercentDecode(raw));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("abc%")]
    [InlineData("%4")]
    [InlineData("a%4")]
    [InlineData("%zz")]
    [InlineData("%G0")]
    [InlineData("%-1")]
    [InlineData("%C3")]
    [InlineData("%C3%28")]
    [InlineData("%FF")]
    [InlineData("%C0%AF")]
    [InlineData("%ED%A0%80")]
    [InlineData("%F0%9F%98")]
    public void PercentDecode_InvalidEscapeOrUtf8_ThrowsFormatException(string raw)
    {
        Assert.Throws<FormatException>(() => QueryParameters.PercentDecode(raw));
    }

    [Fact]
    public void Parse_InvalidEscape_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => QueryParameters.Parse("prefix=%E2%82"));
    }
}
