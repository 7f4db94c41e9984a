using System.Text;
using Coffer.Protocol.S3;
using Coffer.Storage.Lifecycle;

namespace Coffer.Protocol.Tests.S3;

public sealed class LifecycleConfigurationXmlTests
{
    private const string Ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    private static LifecycleConfiguration Parse(string xml, string minimumObjectSize = LifecycleConfiguration.DefaultMinimumObjectSize) =>
        LifecycleConfigurationXml.Parse(Encoding.UTF8.GetBytes(xml), minimumObjectSize);

    private static string Document(params string[] rules) => $"<LifecycleConfiguration {Ns}>{string.Concat(rules)}</LifecycleConfiguration>";

    private static string Rule(string body, string filter = "<Filter><Prefix>logs/</Prefix></Filter>") => $"<Rule><ID>r</ID>{filter}<Status>Enabled</Status>{body}</Rule>";

    private static S3Exception Refused(string xml) => Assert.Throws<S3Exception>(() => Parse(xml));

    [Fact]
    public void Parse_EveryAction_KeepsWhatWasSent()
    {
        var configuration = Parse(Document(
            "<Rule><ID>all</ID><Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>1000</ObjectSizeLessThan></And></Filter>"
            + "<Status>Disabled</Status><Expiration><Days>30</Days></Expiration><NoncurrentVersionExpiration><NoncurrentDays>7</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>",
            "<Rule><Prefix>tmp/</Prefix><Status>Enabled</Status><Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration><AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>",
            "<Rule><Filter></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>"),
            "varies_by_storage_class");

        Assert.Equal("varies_by_storage_class", configuration.TransitionDefaultMinimumObjectSize);
        var (first, second, third) = (configuration.Rules[0], configuration.Rules[1], configuration.Rules[2]);
        Assert.Equal("all", first.Id);
        Assert.False(first.Enabled);
        Assert.Equal(FilterShape.And, first.Filter.Shape);
        Assert.Equal("a/", first.Filter.Prefix);
        Assert.Equal([new("k", "v")], first.Filter.Tags);
        Assert.Equal((10L, 1000L), (first.Filter.ObjectSizeGreaterThan!.Value, first.Filter.ObjectSizeLessThan!.Value));
        Assert.Equal((30, 7, 3), (first.ExpirationDays!.Value, first.NoncurrentDays!.Value, first.NewerNoncurrentVersions!.Value));
        Assert.Null(second.Id);
        Assert.Equal(FilterShape.RulePrefix, second.Filter.Shape);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), second.ExpirationDate);
        Assert.Equal(2, second.AbortDaysAfterInitiation);
        Assert.True(third.ExpiredObjectDeleteMarker);
        Assert.Null(third.Filter.Prefix);
    }

    [Fact]
    public void ToXml_ThenParse_RoundTripsThroughTheStoredForm()
    {
        var xml = Document(
            "<Rule><ID>all</ID><Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>k2</Key><Value>v2</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>",
            "<Rule><Prefix>tmp/</Prefix><Status>Enabled</Status><Expiration><Date>2030-01-01</Date></Expiration></Rule>",
            "<Rule><Filter><Tag><Key>t</Key><Value></Value></Tag></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>",
            "<Rule><Filter><ObjectSizeLessThan>5</ObjectSizeLessThan></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>false</ExpiredObjectDeleteMarker></Expiration></Rule>");
        var parsed = Parse(xml);

        var stored = LifecycleConfiguration.FromJson(parsed.ToJson());
        var written = LifecycleConfigurationXml.ToXml(stored).WrittenMemory.ToArray();
        var reparsed = LifecycleConfigurationXml.Parse(written, stored.TransitionDefaultMinimumObjectSize);

        Assert.Equal(parsed.ToJson(), reparsed.ToJson());
        var text = Encoding.UTF8.GetString(written);
        Assert.Contains("<Date>2030-01-01T00:00:00.000Z</Date>", text, StringComparison.Ordinal);
        Assert.Contains("<Prefix>tmp/</Prefix><Status>", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<Expiration><Days>0</Days></Expiration>", "'Days' for Expiration action must be a positive integer")]
    [InlineData("<Expiration><Days>-3</Days></Expiration>", "'Days' for Expiration action must be a positive integer")]
    [InlineData("<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>", "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")]
    [InlineData("<AbortIncompleteMultipartUpload><DaysAfterInitiation>-1</DaysAfterInitiation></AbortIncompleteMultipartUpload>", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")]
    [InlineData("<Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration>", "'Date' must be at midnight GMT")]
    [InlineData("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>", null)]
    [InlineData("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>0</NewerNoncurrentVersions></NoncurrentVersionExpiration>", null)]
    public void Parse_OutOfRangeValues_AreInvalidArgument(string action, string? message)
    {
        var error = Refused(Document(Rule(action)));

        Assert.Equal(S3ErrorCode.InvalidArgument, error.Code);
        if (message is not null)
        {
            Assert.Equal(message, error.Message);
        }
    }

    [Theory]
    [InlineData("<Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>")]
    [InlineData("<Expiration></Expiration>")]
    [InlineData("<Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>")]
    [InlineData("<Expiration><Days>ten</Days></Expiration>")]
    [InlineData("<Expiration><Days>99999999999</Days></Expiration>")]
    [InlineData("<Expiration><Date>2030-02-30T00:00:00Z</Date></Expiration>")]
    [InlineData("<Expiration><Date>tomorrow</Date></Expiration>")]
    [InlineData("<Expiration><ExpiredObjectDeleteMarker>yes</ExpiredObjectDeleteMarker></Expiration>")]
    [InlineData("<NoncurrentVersionExpiration><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>")]
    [InlineData("<Expiration><Days>1</Days></Expiration><Expiration><Days>2</Days></Expiration>")]
    [InlineData("<Expiration><Days>1</Days></Expiration><Bogus/>")]
    public void Parse_SchemaViolations_AreMalformedXml(string action) =>
        Assert.Equal(S3ErrorCode.MalformedXML, Refused(Document(Rule(action))).Code);

    [Theory]
    [InlineData("")]
    [InlineData("<Filter><Prefix>a</Prefix></Filter><Prefix>a</Prefix>")]
    [InlineData("<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>")]
    [InlineData("<Filter><Tag><Key>k</Key></Tag></Filter>")]
    [InlineData("<Filter><And><Prefix>a</Prefix><Prefix>b</Prefix></And></Filter>")]
    [InlineData("<Filter><ObjectSizeGreaterThan>big</ObjectSizeGreaterThan></Filter>")]
    public void Parse_BadFilters_AreMalformedXml(string filter) =>
        Assert.Equal(S3ErrorCode.MalformedXML, Refused(Document(Rule("<Expiration><Days>1</Days></Expiration>", filter))).Code);

    [Theory]
    [InlineData("")]
    [InlineData("not xml")]
    [InlineData("<LifecycleConfiguration/>")]
    [InlineData("<Lifecycle><Rule/></Lifecycle>")]
    [InlineData("<!DOCTYPE x [<!ENTITY e \"boom\">]><LifecycleConfiguration>&e;</LifecycleConfiguration>")]
    [InlineData("<LifecycleConfiguration><Rule><Filter/><Status>On</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>")]
    public void Parse_BrokenDocuments_AreMalformedXml(string xml) =>
        Assert.Equal(S3ErrorCode.MalformedXML, Refused(xml).Code);

    [Fact]
    public void Parse_ThousandRules_IsAccepted_ButNotOneMore()
    {
        var rule = Rule("<Expiration><Days>1</Days></Expiration>", "<Filter/>").Replace("<ID>r</ID>", string.Empty, StringComparison.Ordinal);

        Assert.Equal(1000, Parse(Document(Enumerable.Repeat(rule, 1000).ToArray())).Rules.Count);
        var error = Refused(Document(Enumerable.Repeat(rule, 1001).ToArray()));
        Assert.Equal(S3ErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public void Parse_DuplicateIds_AreRefused()
    {
        var error = Refused(Document(Rule("<Expiration><Days>1</Days></Expiration>"), Rule("<Expiration><Days>2</Days></Expiration>")));

        Assert.Equal(S3ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("Rule ID must be unique. Found same ID for more than one rule", error.Message);
    }

    [Fact]
    public void Parse_LongId_IsRefused() =>
        Assert.Equal(S3ErrorCode.InvalidArgument, Refused(Document(Rule("<Expiration><Days>1</Days></Expiration>").Replace("<ID>r</ID>", $"<ID>{new string('i', 256)}</ID>", StringComparison.Ordinal))).Code);

    [Theory]
    [InlineData("<Filter><Prefix>a</Prefix></Filter><Status>Enabled</Status>", "At least one action needs to be specified in a rule.")]
    [InlineData("<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>", "ExpiredObjectDeleteMarker cannot be specified with Tags.")]
    [InlineData("<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>", "AbortIncompleteMultipartUpload cannot be specified with Tags.")]
    [InlineData("<Filter><ObjectSizeLessThan>9</ObjectSizeLessThan></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>", null)]
    [InlineData("<Filter/><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>", null)]
    [InlineData("<Filter/><Status>Enabled</Status><NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>", null)]
    [InlineData("<Filter><And><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>k</Key><Value>w</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>", "Duplicate Tag Keys are not allowed.")]
    public void Parse_CombinationsS3Refuses_AreInvalidRequest(string rule, string? message)
    {
        var error = Refused(Document($"<Rule>{rule}</Rule>"));

        Assert.Equal(S3ErrorCode.InvalidRequest, error.Code);
        if (message is not null)
        {
            Assert.Equal(message, error.Message);
        }
    }

    [Fact]
    public void Parse_SizeBoundsThatExcludeEverything_AreRefused() =>
        Assert.Equal(S3ErrorCode.InvalidArgument, Refused(Document(Rule("<Expiration><Days>1</Days></Expiration>", "<Filter><And><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter>"))).Code);

    [Theory]
    [InlineData(null, "all_storage_classes_128K")]
    [InlineData("varies_by_storage_class", "varies_by_storage_class")]
    [InlineData("all_storage_classes_128K", "all_storage_classes_128K")]
    public void MinimumObjectSize_KnownValues(string? header, string expected) =>
        Assert.Equal(expected, LifecycleConfigurationXml.MinimumObjectSize(header));

    [Fact]
    public void MinimumObjectSize_Unknown_IsInvalidArgument() =>
        Assert.Equal(S3ErrorCode.InvalidArgument, Assert.Throws<S3Exception>(() => LifecycleConfigurationXml.MinimumObjectSize("huge")).Code);
}
