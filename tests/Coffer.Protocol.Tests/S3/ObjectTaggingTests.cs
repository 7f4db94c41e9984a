using System.Text;
using Coffer.Protocol.S3;

namespace Coffer.Protocol.Tests.S3;

public sealed class ObjectTaggingTests
{
    private const string Xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

    [Fact]
    public void FromXml_TheDocumentedExample_KeepsOrder()
    {
        var tags = ObjectTagging.FromXml(Document(("Key1", "Value1"), ("Key2", "")));

        Assert.Equal([new("Key1", "Value1"), new("Key2", "")], tags);
    }

    [Fact]
    public void FromXml_AnEmptyTagSet_IsNoTags()
    {
        Assert.Empty(ObjectTagging.FromXml(Document()));
    }

    [Theory]
    [InlineData("<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet>")]
    [InlineData("<Tagging/>")]
    [InlineData("<Tags><TagSet/></Tags>")]
    [InlineData("<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>")]
    [InlineData("<Tagging><TagSet><Tag><Value>b</Value></Tag></TagSet></Tagging>")]
    [InlineData("<Tagging><TagSet><Tag><Key>a</Key><Key>c</Key><Value>b</Value></Tag></TagSet></Tagging>")]
    [InlineData("not xml")]
    [InlineData("")]
    public void FromXml_Malformed_IsMalformedXML(string body)
    {
        var error = Assert.Throws<S3Exception>(() => ObjectTagging.FromXml(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(S3ErrorCode.MalformedXML, error.Code);
    }

    [Fact]
    public void Validate_ElevenTags_IsBadRequest()
    {
        var tags = Enumerable.Range(0, 11).Select(i => KeyValuePair.Create("k" + i, "v")).ToList();

        var error = Assert.Throws<S3Exception>(() => ObjectTagging.Validate(tags));

        Assert.Equal(S3ErrorCode.BadRequest, error.Code);
        Assert.Equal("Object tags cannot be greater than 10", error.Message);
    }

    [Fact]
    public void Validate_TenTagsAtTheLongestLengths_Pass()
    {
        var tags = Enumerable.Range(0, 10).Select(i => KeyValuePair.Create(i + new string('k', 127), new string('v', 256))).ToList();

        ObjectTagging.Validate(tags);
    }

    [Theory]
    [InlineData(129, 1, "The TagKey you have provided is invalid")]
    [InlineData(0, 1, "The TagKey you have provided is invalid")]
    [InlineData(1, 257, "The TagValue you have provided is invalid")]
    public void Validate_LengthsOutOfRange_AreInvalidTag(int keyLength, int valueLength, string message)
    {
        var error = Assert.Throws<S3Exception>(() => ObjectTagging.Validate([new(new string('k', keyLength), new string('v', valueLength))]));

        Assert.Equal(S3ErrorCode.InvalidTag, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Validate_CountsUtf16CodeUnits()
    {
        // 64 characters outside the BMP take 128 UTF-16 code units: the limit exactly.
        var key = string.Concat(Enumerable.Repeat("\U0001F600", 64));
        ObjectTagging.Validate([new(key, "v")]);

        Assert.Throws<S3Exception>(() => ObjectTagging.Validate([new(key + "a", "v")]));
    }

    [Fact]
    public void Validate_DuplicateKeys_AreInvalidTag()
    {
        var error = Assert.Throws<S3Exception>(() => ObjectTagging.Validate([new("a", "1"), new("a", "2")]));

        Assert.Equal(S3ErrorCode.InvalidTag, error.Code);
    }

    [Theory]
    [InlineData("aws:createdBy")]
    [InlineData("AWS:x")]
    public void Validate_AwsPrefix_IsInvalidTag(string key)
    {
        var error = Assert.Throws<S3Exception>(() => ObjectTagging.Validate([new(key, "1")]));

        Assert.Equal(S3ErrorCode.InvalidTag, error.Code);
    }

    [Fact]
    public void Validate_KeysDifferingOnlyInCase_AreDistinct()
    {
        ObjectTagging.Validate([new("Team", "1"), new("team", "2")]);
    }

    [Theory]
    [InlineData("classification=secret&team=blue", new[] { "classification", "secret", "team", "blue" })]
    [InlineData("a%20b=c%2Fd%3De", new[] { "a b", "c/d=e" })]
    [InlineData("empty=&novalue", new[] { "empty", "", "novalue", "" })]
    [InlineData("%E2%82%AC=%E2%82%AC", new[] { "\u20ac", "\u20ac" })]
    public void FromHeader_DecodesUrlQueryForm(string header, string[] expected)
    {
        var tags = ObjectTagging.FromHeader(header);

        Assert.Equal(expected, tags.SelectMany(t => new[] { t.Key, t.Value }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void FromHeader_AbsentOrEmpty_IsNoTags(string? header)
    {
        Assert.Empty(ObjectTagging.FromHeader(header));
    }

    [Theory]
    [InlineData("a=%zz")]
    [InlineData("a=%C3%28")]
    [InlineData("a=1&a=2")]
    public void FromHeader_BadEncodingOrDuplicates_IsInvalidArgument(string header)
    {
        var error = Assert.Throws<S3Exception>(() => ObjectTagging.FromHeader(header));

        Assert.Equal(S3ErrorCode.InvalidArgument, error.Code);
        Assert.StartsWith("The header 'x-amz-tagging' shall be encoded as UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromHeader_ElevenTags_IsBadRequest()
    {
        var header = string.Join('&', Enumerable.Range(0, 11).Select(i => $"k{i}=v"));

        Assert.Equal(S3ErrorCode.BadRequest, Assert.Throws<S3Exception>(() => ObjectTagging.FromHeader(header)).Code);
    }

    [Fact]
    public void ToXml_WritesTheTaggingDocument_AndReadsBack()
    {
        var xml = Encoding.UTF8.GetString(ObjectTagging.ToXml([new("a&b", "<v>"), new("empty", "")]).WrittenMemory.Span);

        Assert.Contains($"<Tagging xmlns=\"{Xmlns}\"><TagSet><Tag><Key>a&amp;b</Key><Value>&lt;v&gt;</Value></Tag><Tag><Key>empty</Key><Value></Value></Tag></TagSet></Tagging>", xml, StringComparison.Ordinal);
        Assert.Equal([new("a&b", "<v>"), new("empty", "")], ObjectTagging.FromXml(Encoding.UTF8.GetBytes(xml)));
    }

    private static byte[] Document(params (string Key, string Value)[] tags) =>
        Encoding.UTF8.GetBytes($"<Tagging xmlns=\"{Xmlns}\"><TagSet>"
            + string.Concat(tags.Select(t => $"<Tag><Key>{t.Key}</Key><Value>{t.Value}</Value></Tag>"))
            + "</TagSet></Tagging>");
}
