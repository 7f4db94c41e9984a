namespace Coffer.Policy.Tests;

/// <summary>S3 User Guide, "The meaning of public".</summary>
public sealed class PublicAccessTests
{
    private static bool IsPublic(string principal, string effect = "Allow", string condition = "{}") =>
        PolicyDocument.Parse($$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"{{effect}}","Principal":{{principal}},"Action":"s3:GetObject",
              "Resource":"arn:aws:s3:::b/*","Condition":{{condition}}}]}
            """, PolicyKind.Resource).GrantsPublicAccess;

    [Theory]
    [InlineData("\"*\"", "{}", true)]
    [InlineData("""{"AWS":"*"}""", "{}", true)]
    [InlineData("""{"AWS":"111122223333"}""", "{}", false)]
    [InlineData("""{"AWS":"arn:aws:iam::111122223333:user/alice"}""", "{}", false)]
    [InlineData("\"*\"", """{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}""", false)]
    [InlineData("\"*\"", """{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}""", true)]
    [InlineData("\"*\"", """{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}""", true)]
    [InlineData("\"*\"", """{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}""", false)]
    [InlineData("\"*\"", """{"StringLike":{"aws:SourceVpce":"vpce-*"}}""", true)]
    [InlineData("\"*\"", """{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}""", false)]
    [InlineData("\"*\"", """{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:t"}}""", false)]
    [InlineData("\"*\"", """{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}""", true)]
    [InlineData("\"*\"", """{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}""", true)]
    [InlineData("\"*\"", """{"StringEquals":{"s3:prefix":"public/"}}""", true)]
    [InlineData("\"*\"", """{"StringEquals":{"AWS:SOURCEACCOUNT":"111122223333"}}""", false)]
    public void GrantsPublicAccess_FollowsS3Rules(string principal, string condition, bool expected) =>
        Assert.Equal(expected, IsPublic(principal, "Allow", condition));

    [Fact]
    public void GrantsPublicAccess_DenyIsNeverPublic() => Assert.False(IsPublic("\"*\"", "Deny"));
}
