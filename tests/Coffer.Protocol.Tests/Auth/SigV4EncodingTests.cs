using Coffer.Protocol.Auth;

namespace Coffer.Protocol.Tests.Auth;

public sealed class SigV4EncodingTests
{
    [Theory]
    [InlineData("abcXYZ019-_.~", "abcXYZ019-_.~")]
    [InlineData("a b", "a%20b")]
    [InlineData("a+b", "a%2Bb")]
    [InlineData("a*b", "a%2Ab")]
    [InlineData("a=b&c", "a%3Db%26c")]
    [InlineData("%", "%25")]
    [InlineData("\u1234", "%E1%88%B4")]
    [InlineData("\u00e9", "%C3%A9")]
    [InlineData("\U0001F600", "%F0%9F%98%80")]
    public void UriEncode_KeepsUnreservedAndEncodesTheRestAsUpperCaseUtf8(string value, string expected)
    {
        Assert.Equal(expected, SigV4.UriEncode(value, encodeSlash: true));
    }

    [Fact]
    public void UriEncode_EncodesSlashOnlyWhenAsked()
    {
        Assert.Equal("/photos/2006/a%20b", SigV4.UriEncode("/photos/2006/a b", encodeSlash: false));
        Assert.Equal("%2Fphotos%2F2006", SigV4.UriEncode("/photos/2006", encodeSlash: true));
    }

    [Fact]
    public void CanonicalQuery_SortsByEncodedNameThenValue()
    {
        KeyValuePair<string, string>[] parameters = [new("b", "2"), new("a", "z"), new("a", "y"), new("A", "x")];

        Assert.Equal("A=x&a=y&a=z&b=2", SigV4.CanonicalQuery(parameters));
    }

    [Fact]
    public void CanonicalQuery_EncodesNamesAndValuesIncludingSlashAndEmptyValues()
    {
        KeyValuePair<string, string>[] parameters = [new("prefix", "a/b c"), new("uploads", "")];

        Assert.Equal("prefix=a%2Fb%20c&uploads=", SigV4.CanonicalQuery(parameters));
    }

    [Fact]
    public void CanonicalQuery_LeavesOutTheExcludedParameter()
    {
        KeyValuePair<string, string>[] parameters = [new("X-Amz-Signature", "abc"), new("X-Amz-Date", "20130524T000000Z")];

        Assert.Equal("X-Amz-Date=20130524T000000Z", SigV4.CanonicalQuery(parameters, exclude: "X-Amz-Signature"));
        Assert.Equal("X-Amz-Date=20130524T000000Z&X-Amz-Signature=abc", SigV4.CanonicalQuery(parameters));
    }

    [Theory]
    [InlineData("value", "value")]
    [InlineData("  value  ", "value")]
    [InlineData("a   b   c", "a b c")]
    [InlineData("\"a   b   c\"", "\"a b c\"")]
    [InlineData("a\t\tb", "a b")]
    [InlineData("a \t b", "a b")]
    [InlineData("", "")]
    public void CanonicalHeaderValue_TrimsAndCollapsesInnerSpaces(string value, string expected)
    {
        Assert.Equal(expected, SigV4.CanonicalHeaderValue(value));
    }

    [Fact]
    public void Scope_JoinsDateRegionServiceAndTerminator()
    {
        Assert.Equal("20130524/us-east-1/s3/aws4_request", SigV4.Scope("20130524", "us-east-1", "s3"));
    }

    [Fact]
    public void HexSha256_OfEmptyInput_IsTheEmptyPayloadHash()
    {
        Assert.Equal(SigV4.EmptySha256, SigV4.HexSha256(string.Empty));
        Assert.Equal(SigV4.EmptySha256, SigV4.HexSha256(ReadOnlySpan<byte>.Empty));
    }
}
