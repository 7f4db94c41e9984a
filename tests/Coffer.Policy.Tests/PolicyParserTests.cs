using System.Diagnostics;
using System.Text;

namespace Coffer.Policy.Tests;

public sealed class PolicyParserTests
{
    private const string Allow = """{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}""";

    private static string Doc(string statements) => $$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""";

    private static MalformedPolicyException Rejects(string json, PolicyKind kind = PolicyKind.Identity) =>
        Assert.Throws<MalformedPolicyException>(() => PolicyDocument.Parse(json, kind));

    [Theory]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject"}""", "Resource", "element Resource")]
    [InlineData("""{"Sid":"Read","Effect":"Permit","Action":"s3:GetObject","Resource":"*"}""", "Effect", "Sid \"Read\"")]
    [InlineData("""{"Effect":"Allow","Resource":"*"}""", "Action", "element Action")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}""", "Action", "not both")]
    [InlineData("""{"Effect":"Allow","Action":"s3GetObject","Resource":"*"}""", "invalid action", "element Action")]
    [InlineData("""{"Effect":"Allow","Action":"s3:Get Object","Resource":"*"}""", "invalid action", "element Action")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"bucket/key"}""", "ARN format", "element Resource")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Colour":"red"}""", "unknown element 'Colour'", "element Colour")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}""", "unknown condition operator 'StringEqualz'", "element Condition")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NullIfExists":{"a":"true"}}}""", "unknown condition operator", "element Condition")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"ten"}}}""", "not a number", "Condition.NumericEquals.s3:max-keys")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}}}""", "not an ISO 8601", "Condition.DateLessThan")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"300.0.0.0/8"}}}""", "not an IP address", "Condition.IpAddress")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}""", "not true or false", "Condition.Bool")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"BinaryEquals":{"k":"!!"}}}""", "not base64", "Condition.BinaryEquals")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"k":null}}}""", "condition value", "Condition.StringEquals.k")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username"}""", "no closing brace", "element Resource")]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username, default}"}""", "single quotes", "element Resource")]
    [InlineData("""{"Effect":"Allow","Action":[],"Resource":"*"}""", "non-empty array", "element Action")]
    public void Parse_MalformedStatement_NamesThePlace(string statement, string what, string where)
    {
        var e = Rejects(Doc(Allow + "," + statement));

        Assert.Contains(what, e.Message, StringComparison.Ordinal);
        Assert.Contains(where, e.Message, StringComparison.Ordinal);
        Assert.Contains("statement 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateSid_Rejected()
    {
        var e = Rejects(Doc("""{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}"""));
        Assert.Contains("must be unique", e.Message, StringComparison.Ordinal);
        Assert.Contains("statement 2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}""")]
    [InlineData("[]")]
    [InlineData("""{"Version":"2012-10-17"}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":"x"}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}],"Extra":1}""")]
    [InlineData("""{"Version":"2012-10-17","Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""")]
    public void Parse_InvalidDocument_IsSyntaxError(string json) =>
        Assert.StartsWith("Syntax errors in policy", Rejects(json).Message, StringComparison.Ordinal);

    [Fact]
    public void Parse_UnknownVersion_Rejected() =>
        Assert.Contains("Version", Rejects("""{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}""").Message, StringComparison.Ordinal);

    [Fact]
    public void Parse_NoVersion_Means2008()
    {
        var document = PolicyDocument.Parse("""{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}""", PolicyKind.Identity);
        Assert.Equal("2008-10-17", document.Version);
        Assert.Single(document.Statements);
    }

    [Fact]
    public void Parse_PrincipalInIdentityPolicy_Rejected()
    {
        var json = Doc("""{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}""");
        Assert.StartsWith("Policy document should not specify a principal", Rejects(json, PolicyKind.Identity).Message, StringComparison.Ordinal);
        Assert.StartsWith("Policy document should not specify a principal", Rejects(json, PolicyKind.Session).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PolicyKind.Resource)]
    [InlineData(PolicyKind.Trust)]
    public void Parse_MissingPrincipalInResourcePolicy_Rejected(PolicyKind kind)
    {
        var e = Rejects(Doc("""{"Effect":"Allow","Action":"sts:AssumeRole"}"""), kind);
        Assert.StartsWith("Missing required field Principal", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"AWS":"arn:aws:iam::111122223333:user/*"}""")]
    [InlineData("""{"AWS":"arn:aws:iam::*:root"}""")]
    [InlineData("""{"AWS":"arn:aws:sts::111122223333:assumed-role/reader/?"}""")]
    [InlineData("""{"AWS":"1111*"}""")]
    [InlineData("""{"AWS":"alice"}""")]
    [InlineData("""{"AWS":"arn:aws:s3:::bucket"}""")]
    [InlineData("""{"Service":"*.amazonaws.com"}""")]
    [InlineData("""{"Robot":"r2d2"}""")]
    [InlineData("\"alice\"")]
    public void Parse_WildcardOrInvalidPrincipal_Rejected(string principal)
    {
        var e = Rejects(Doc($$"""{"Effect":"Allow","Principal":{{principal}},"Action":"s3:*","Resource":"*"}"""), PolicyKind.Resource);
        Assert.Contains("Invalid principal in policy", e.Message, StringComparison.Ordinal);
        Assert.Contains("element Principal", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TrustPolicy_RejectsResourceAndNonStsActions()
    {
        Assert.Contains("prohibited field Resource", Rejects(Doc("""{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}"""), PolicyKind.Trust).Message, StringComparison.Ordinal);
        Assert.Contains("not an sts action", Rejects(Doc("""{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}"""), PolicyKind.Trust).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotPrincipalWithAllow_Rejected() =>
        Assert.Contains("NotPrincipal", Rejects(Doc("""{"Effect":"Allow","NotPrincipal":"*","Action":"s3:*","Resource":"*"}"""), PolicyKind.Resource).Message, StringComparison.Ordinal);

    [Fact]
    public void Parse_DeepNesting_RejectedWithoutStackOverflow()
    {
        var json = """{"Version":"2012-10-17","Statement":""" + new string('[', 200) + new string(']', 200) + "}";
        Assert.StartsWith("Syntax errors in policy", Rejects(json).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OneMebibyteDocument_RejectedBySize()
    {
        var json = Doc(Allow) + new string(' ', 1024 * 1024);
        var watch = Stopwatch.StartNew();
        Assert.Contains("too large", Rejects(json).Message, StringComparison.Ordinal);
        Assert.True(watch.ElapsedMilliseconds < 1000);
    }

    [Fact]
    public void Parse_TenThousandStatements_RejectedQuicklyBySize()
    {
        var json = Doc(string.Join(",", Enumerable.Repeat(Allow, 10_000)));
        var watch = Stopwatch.StartNew();
        Assert.Contains("too large", Rejects(json).Message, StringComparison.Ordinal);
        Assert.True(watch.ElapsedMilliseconds < 1000);
    }

    [Fact]
    public void Parse_ThousandsOfStatementsUnderTheCap_ParsedInLinearTime()
    {
        var statements = Enumerable.Range(0, 1500).Select(i => $$"""{"Sid":"S{{i}}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}""");
        var json = Doc(string.Join(",\n", statements));
        Assert.True(json.Length < PolicyLimits.MaxDocumentChars);

        var watch = Stopwatch.StartNew();
        var document = PolicyDocument.Parse(json, PolicyKind.Identity);

        Assert.Equal(1500, document.Statements.Count);
        Assert.Equal(new PolicyPosition(1500, 1), document.Statements[1499].Start);
        Assert.True(watch.ElapsedMilliseconds < 2000, $"{watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Parse_AllShapesOfTheGrammar_Accepted()
    {
        const string json = """
            {"Version":"2012-10-17","Id":"policy-1","Statement":[
              {"Sid":"A","Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/a",
                "arn:aws:iam::111122223333:role/r","arn:aws:sts::111122223333:assumed-role/r/s"],"Service":"ec2.amazonaws.com",
                "Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
               "Action":["s3:GetObject","s3:List*"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
               "Condition":{"ForAnyValue:StringLikeIfExists":{"k":["a*",1,true]},"Null":{"n":false}}},
              {"Effect":"Deny","NotPrincipal":{"AWS":"*"},"NotAction":"s3:*","NotResource":"*"}]}
            """;
        var document = PolicyDocument.Parse(json, PolicyKind.Resource);
        Assert.Equal("policy-1", document.Id);
        Assert.Equal(2, document.Statements.Count);
        Assert.Equal("A", document.Statements[0].Sid);
        Assert.Equal(Effect.Deny, document.Statements[1].Effect);
    }

    [Fact]
    public void CountNonWhitespace_IgnoresFormatting()
    {
        Assert.Equal(PolicyLimits.CountNonWhitespace(Doc(Allow)), PolicyLimits.CountNonWhitespace("  " + Doc(Allow).Replace(",", ",\n\t ", StringComparison.Ordinal)));
        Assert.Equal(4, PolicyLimits.CountNonWhitespace(" a b\r\nc\td "));
    }

    [Fact]
    public void PolicyCache_ReturnsSameDocument_AndDoesNotCacheErrors()
    {
        var json = Doc(Allow) + " ";
        Assert.Same(PolicyCache.Get(json, PolicyKind.Identity), PolicyCache.Get(json, PolicyKind.Identity));
        Assert.NotSame(PolicyCache.Get(json, PolicyKind.Identity), PolicyCache.Get(json, PolicyKind.Session));
        Assert.Throws<MalformedPolicyException>(() => PolicyCache.Get("{", PolicyKind.Identity));
        Assert.Throws<MalformedPolicyException>(() => PolicyCache.Get("{", PolicyKind.Identity));
    }

    [Fact]
    public void Parse_PositionsCountCharactersNotBytes()
    {
        var json = "{\"Version\":\"2012-10-17\",\"Id\":\"été\",\n  \"Statement\": [ {\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"} ]}";
        Assert.True(Encoding.UTF8.GetByteCount(json) > json.Length);
        var statement = PolicyDocument.Parse(json, PolicyKind.Identity).Statements[0];
        Assert.Equal(new PolicyPosition(2, 18), statement.Start);
        Assert.Equal(new PolicyPosition(2, 63), statement.End);
    }

    [Theory]
    [InlineData("""{"StringEquals": {"s3:ExistingObjectTag/classification": "secret"}}""", true)]
    [InlineData("""{"ForAnyValue:StringLike": {"S3:existingobjecttag/team": ["*"]}}""", true)]
    [InlineData("""{"StringEquals": {"aws:username": "${s3:ExistingObjectTag/owner}"}}""", true)]
    [InlineData("""{"StringEquals": {"s3:RequestObjectTag/classification": "secret"}}""", false)]
    [InlineData("""{}""", false)]
    public void MentionsConditionKey_FindsKeysAndVariablesByPrefix(string condition, bool expected)
    {
        var document = PolicyDocument.Parse(Doc($$"""{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{{condition}}}"""), PolicyKind.Identity);

        Assert.Equal(expected, document.MentionsConditionKey("s3:ExistingObjectTag/"));
    }
}
