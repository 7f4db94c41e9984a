using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// Object Ownership is BucketOwnerEnforced: ACLs that would grant anything are refused with
/// AccessControlListNotSupported, and reading an ACL shows the owner's FULL_CONTROL.
/// </summary>
public sealed class ObjectOwnershipTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    [Theory]
    [InlineData("public-read")]
    [InlineData("public-read-write")]
    [InlineData("authenticated-read")]
    public async Task PutObject_WithAPublicCannedAcl_FailsWithAccessControlListNotSupported(string acl)
    {
        var bucket = await fixture.CreateBucketAsync("acl-put");

        var error = await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "AccessControlListNotSupported", () =>
            fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "doc", CannedACL = new S3CannedACL(acl) }));

        Assert.Equal("The bucket does not allow ACLs", error.Message);
        Assert.False(await fixture.ObjectExistsAsync(bucket, "doc"));
    }

    [Fact]
    public async Task PrivateAcls_AreAccepted_OnEveryWrite()
    {
        var bucket = await fixture.CreateBucketAsync("acl-private");

        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "a", CannedACL = S3CannedACL.Private });
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b", ContentBody = "b", CannedACL = S3CannedACL.BucketOwnerFullControl });
        await fixture.Client.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "a", DestinationBucket = bucket, DestinationKey = "c", CannedACL = S3CannedACL.BucketOwnerFullControl });
        var upload = await fixture.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "d", CannedACL = S3CannedACL.Private });
        await fixture.Client.AbortMultipartUploadAsync(bucket, "d", upload.UploadId);

        Assert.True(await fixture.ObjectExistsAsync(bucket, "c"));
    }

    [Fact]
    public async Task CopyAndMultipart_WithAPublicAcl_AreRefused()
    {
        var bucket = await fixture.CreateBucketAsync("acl-copy");
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "a" });

        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "AccessControlListNotSupported", () =>
            fixture.Client.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "a", DestinationBucket = bucket, DestinationKey = "c", CannedACL = S3CannedACL.PublicRead }));
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "AccessControlListNotSupported", () =>
            fixture.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "d", CannedACL = S3CannedACL.PublicReadWrite }));

        Assert.False(await fixture.ObjectExistsAsync(bucket, "c"));
        Assert.Empty((await fixture.Client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
    }

    [Theory]
    [InlineData("x-amz-grant-read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"")]
    [InlineData("x-amz-grant-write-acp", "id=\"123456789012\"")]
    [InlineData("x-amz-grant-full-control", "emailAddress=\"someone@example.com\"")]
    public async Task PutObject_WithAGrantHeader_FailsWithAccessControlListNotSupported(string header, string value)
    {
        var bucket = await fixture.CreateBucketAsync("acl-grant");

        using var response = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/doc", "doc"u8.ToArray(), r => r.Headers.Add(header, value));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "AccessControlListNotSupported");
        Assert.False(await fixture.ObjectExistsAsync(bucket, "doc"));
    }

    [Fact]
    public async Task CreateBucket_WithAPublicAcl_IsRefused_AndCreatesNothing()
    {
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "AccessControlListNotSupported", () =>
            fixture.Client.PutBucketAsync(new PutBucketRequest { BucketName = "acl-public-bucket", CannedACL = S3CannedACL.PublicRead }));
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "InvalidRequest", () =>
            fixture.Client.PutBucketAsync(new PutBucketRequest { BucketName = "acl-public-bucket", ObjectOwnership = ObjectOwnership.ObjectWriter }));

        Assert.DoesNotContain((await fixture.Client.ListBucketsAsync()).Buckets ?? [], b => b.BucketName == "acl-public-bucket");
        await fixture.Client.PutBucketAsync(new PutBucketRequest { BucketName = "acl-public-bucket", ObjectOwnership = ObjectOwnership.BucketOwnerEnforced, CannedACL = S3CannedACL.Private });
    }

    [Fact]
    public async Task GetBucketAclAndGetObjectAcl_ShowTheOwnerWithFullControl()
    {
        var bucket = await fixture.CreateBucketAsync("acl-get");
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "doc" });
        var owner = (await fixture.Client.ListBucketsAsync()).Owner;

        var bucketAcl = await fixture.Client.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        var objectAcl = await fixture.Client.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "doc" });

        foreach (var (aclOwner, grants) in new[] { (bucketAcl.Owner, bucketAcl.Grants), (objectAcl.Owner, objectAcl.Grants) })
        {
            Assert.Equal(owner.Id, aclOwner.Id);
            var grant = Assert.Single(grants);
            Assert.Equal(S3Permission.FULL_CONTROL, grant.Permission);
            Assert.Equal(GranteeType.CanonicalUser, grant.Grantee.Type);
            Assert.Equal(owner.Id, grant.Grantee.CanonicalUser);
        }

        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchKey", () =>
            fixture.Client.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "missing" }));
        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchBucket", () =>
            fixture.Client.GetBucketAclAsync(new GetBucketAclRequest { BucketName = "acl-missing" }));
    }

    [Fact]
    public async Task GetBucketAcl_RawXml_IsAnAccessControlPolicyWithACanonicalUserGrantee()
    {
        var bucket = await fixture.CreateBucketAsync("acl-raw");

        using var response = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}?acl");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(S3 + "AccessControlPolicy", root.Name);
        var grantee = root.Element(S3 + "AccessControlList")!.Element(S3 + "Grant")!.Element(S3 + "Grantee")!;
        Assert.Equal("CanonicalUser", grantee.Attribute(XNamespace.Get("http://www.w3.org/2001/XMLSchema-instance") + "type")!.Value);
        Assert.Equal(root.Element(S3 + "Owner")!.Element(S3 + "ID")!.Value, grantee.Element(S3 + "ID")!.Value);
    }

    [Fact]
    public async Task PutBucketAclAndPutObjectAcl_AcceptOnlyPrivate()
    {
        var bucket = await fixture.CreateBucketAsync("acl-set");
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "doc" });

        await fixture.Client.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.Private });
        await fixture.Client.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "doc", ACL = S3CannedACL.BucketOwnerFullControl });
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "AccessControlListNotSupported", () =>
            fixture.Client.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicRead }));
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "AccessControlListNotSupported", () =>
            fixture.Client.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "doc", ACL = S3CannedACL.PublicRead }));

        // The ACL as read back may be written back unchanged; a grant to everyone may not.
        using var current = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}/doc?acl");
        var body = await current.Content.ReadAsStringAsync();
        using (var same = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/doc?acl", Encoding.UTF8.GetBytes(body)))
        {
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        }

        var everyone = body.Replace("</AccessControlList>", """<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList>""", StringComparison.Ordinal);
        using (var widened = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?acl", Encoding.UTF8.GetBytes(everyone)))
        {
            await S3Assert.ErrorAsync(widened, HttpStatusCode.BadRequest, "AccessControlListNotSupported");
        }

        using (var malformed = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?acl", "<AccessControlPolicy>"u8.ToArray()))
        {
            await S3Assert.ErrorAsync(malformed, HttpStatusCode.BadRequest, "MalformedXML");
        }
    }

    [Fact]
    public async Task OwnershipControls_AreBucketOwnerEnforced_AndStaySo()
    {
        var bucket = await fixture.CreateBucketAsync("ownership");

        Assert.Equal(ObjectOwnership.BucketOwnerEnforced, await OwnershipAsync(bucket));

        await fixture.Client.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = bucket,
            OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ObjectOwnership.BucketOwnerEnforced }] },
        });
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "InvalidRequest", () => fixture.Client.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = bucket,
            OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ObjectOwnership.BucketOwnerPreferred }] },
        }));
        using (var wrong = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?ownershipControls", "<OwnershipControls><Rule><ObjectOwnership>Everyone</ObjectOwnership></Rule></OwnershipControls>"u8.ToArray()))
        {
            await S3Assert.ErrorAsync(wrong, HttpStatusCode.BadRequest, "MalformedXML");
        }

        await fixture.Client.DeleteBucketOwnershipControlsAsync(new DeleteBucketOwnershipControlsRequest { BucketName = bucket });
        Assert.Equal(ObjectOwnership.BucketOwnerEnforced, await OwnershipAsync(bucket));
    }

    private async Task<ObjectOwnership> OwnershipAsync(string bucket)
    {
        var controls = (await fixture.Client.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket })).OwnershipControls;
        return Assert.Single(controls.Rules).ObjectOwnership;
    }
}
