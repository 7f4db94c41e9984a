using System.Text;
using Coffer.Protocol.S3;
using Coffer.Protocol.Xml;
using Xunit;

namespace Coffer.Protocol.Tests.S3;

public sealed class ObjectOwnershipTests
{
    private const string Owner = "123456789012";

    private static string Acl(string ownerId, string grants) => $"""
        <AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Owner><ID>{ownerId}</ID></Owner>
          <AccessControlList>{grants}</AccessControlList>
        </AccessControlPolicy>
        """;

    private static string Grant(string type, string grantee, string permission) =>
        $"""<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="{type}">{grantee}</Grantee><Permission>{permission}</Permission></Grant>""";

    [Theory]
    [InlineData("private", true)]
    [InlineData("bucket-owner-full-control", true)]
    [InlineData("public-read", false)]
    [InlineData("public-read-write", false)]
    [InlineData("authenticated-read", false)]
    [InlineData("bucket-owner-read", false)]
    public void CannedAcls_OnlyPrivateOnesAreAccepted(string acl, bool accepted) =>
        Assert.Equal(accepted, ObjectOwnership.IsPrivateCannedAcl(acl));

    [Theory]
    [InlineData("id=123456789012", true)]
    [InlineData("id=\"123456789012\"", true)]
    [InlineData("id=\"123456789012\", id=\"123456789012\"", true)]
    [InlineData("id=\"123456789012\", uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"", false)]
    [InlineData("uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"", false)]
    [InlineData("emailAddress=\"a@example.com\"", false)]
    [InlineData("id=\"999999999999\"", false)]
    public void FullControlGrant_OnlyToTheOwnerIsAccepted(string grant, bool accepted) =>
        Assert.Equal(accepted, ObjectOwnership.NamesOnlyTheOwner(grant, Owner));

    [Fact]
    public void AccessControlPolicy_OwnerFullControl_IsAccepted()
    {
        var body = Acl(Owner, Grant("CanonicalUser", $"<ID>{Owner}</ID>", "FULL_CONTROL"));

        ObjectOwnership.CheckAccessControlPolicy(Encoding.UTF8.GetBytes(body), Owner);
    }

    [Theory]
    [InlineData("Group", "<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>", "READ")]
    [InlineData("CanonicalUser", "<ID>123456789012</ID>", "READ")]
    [InlineData("CanonicalUser", "<ID>999999999999</ID>", "FULL_CONTROL")]
    [InlineData("AmazonCustomerByEmail", "<EmailAddress>a@example.com</EmailAddress>", "FULL_CONTROL")]
    public void AccessControlPolicy_AnyOtherGrant_IsNotSupported(string type, string grantee, string permission)
    {
        var body = Acl(Owner, Grant("CanonicalUser", $"<ID>{Owner}</ID>", "FULL_CONTROL") + Grant(type, grantee, permission));

        var error = Assert.Throws<S3Exception>(() => ObjectOwnership.CheckAccessControlPolicy(Encoding.UTF8.GetBytes(body), Owner));

        Assert.Equal(S3ErrorCode.AccessControlListNotSupported, error.Code);
    }

    [Fact]
    public void AccessControlPolicy_Malformed_FailsWithMalformedXml()
    {
        var error = Assert.Throws<S3Exception>(() => ObjectOwnership.CheckAccessControlPolicy("<AccessControlPolicy><Owner>"u8.ToArray(), Owner));

        Assert.Equal(S3ErrorCode.MalformedXML, error.Code);
    }

    [Theory]
    [InlineData("<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>", S3ErrorCode.InvalidRequest)]
    [InlineData("<OwnershipControls><Rule><ObjectOwnership>BucketOwnerPreferred</ObjectOwnership></Rule></OwnershipControls>", S3ErrorCode.InvalidRequest)]
    [InlineData("<OwnershipControls><Rule><ObjectOwnership>Everyone</ObjectOwnership></Rule></OwnershipControls>", S3ErrorCode.MalformedXML)]
    [InlineData("<OwnershipControls><Rule></Rule></OwnershipControls>", S3ErrorCode.MalformedXML)]
    [InlineData("<OwnershipControls/>", S3ErrorCode.MalformedXML)]
    [InlineData("<Ownership><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></Ownership>", S3ErrorCode.MalformedXML)]
    public void OwnershipControls_OtherThanBucketOwnerEnforced_AreRefused(string xml, S3ErrorCode expected)
    {
        var error = Assert.Throws<S3Exception>(() => ObjectOwnership.CheckOwnershipControls(Encoding.UTF8.GetBytes(xml)));

        Assert.Equal(expected, error.Code);
    }

    [Fact]
    public void OwnershipControls_BucketOwnerEnforced_IsAccepted() =>
        ObjectOwnership.CheckOwnershipControls("<OwnershipControls xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>"u8.ToArray());

    [Fact]
    public void AccessControlPolicy_AsWritten_IsAcceptedBack()
    {
        var xml = ObjectOwnership.WriteAccessControlPolicy(new XmlBuilder(), Owner).WrittenMemory.ToArray();

        Assert.Contains("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>123456789012</ID>", Encoding.UTF8.GetString(xml), StringComparison.Ordinal);
        ObjectOwnership.CheckAccessControlPolicy(xml, Owner);
    }
}
