using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// Block Public Access through the SDK and raw HTTP: every bucket starts fully blocked; anonymous
/// requests succeed only once the bucket's block is off and a public policy allows them.
/// </summary>
public sealed class PublicAccessBlockTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    internal static string PublicRead(string bucket) => $$"""
        {"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
        """;

    [Fact]
    public async Task NewBucket_HasEveryFlagOn()
    {
        var bucket = await fixture.CreateBucketAsync("pab-new");

        Assert.Equal(new[] { true, true, true, true }, await FlagsAsync(bucket));
    }

    [Fact]
    public async Task AnonymousGet_IsAllowedOnlyWithTheBlockOffAndAPublicPolicy()
    {
        var bucket = await fixture.CreateBucketAsync("pab-anon");
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "doc" });
        await AssertAnonymousGetAsync(bucket, HttpStatusCode.Forbidden);

        // BlockPublicPolicy refuses the public policy, and stores nothing.
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () =>
            fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = PublicRead(bucket) }));
        using (var none = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}?policy"))
        {
            await S3Assert.ErrorAsync(none, HttpStatusCode.NotFound, "NoSuchBucketPolicy");
        }

        await fixture.Client.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchPublicAccessBlockConfiguration", () =>
            fixture.Client.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket }));

        // No block, but no policy either: still denied.
        await AssertAnonymousGetAsync(bucket, HttpStatusCode.Forbidden);

        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = PublicRead(bucket) });
        Assert.True((await fixture.Client.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic);
        await AssertAnonymousGetAsync(bucket, HttpStatusCode.OK);

        // The policy grants s3:GetObject only: listing stays denied.
        using (var list = await fixture.Http.GetAsync(new Uri(fixture.Endpoint, $"/{bucket}")))
        {
            await S3Assert.ErrorAsync(list, HttpStatusCode.Forbidden, "AccessDenied");
        }

        // RestrictPublicBuckets alone takes the public grant away again, the policy staying in place.
        await PutBlockAsync(bucket, new PublicAccessBlockConfiguration { RestrictPublicBuckets = true });
        await AssertAnonymousGetAsync(bucket, HttpStatusCode.Forbidden);
        Assert.True((await fixture.Client.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic);

        // BlockPublicPolicy alone refuses a new public policy, but leaves the stored one in force.
        await PutBlockAsync(bucket, new PublicAccessBlockConfiguration { BlockPublicPolicy = true });
        await AssertAnonymousGetAsync(bucket, HttpStatusCode.OK);
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () =>
            fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = PublicRead(bucket).Replace("PublicRead", "Again", StringComparison.Ordinal) }));
        Assert.Contains("\"PublicRead\"", (await fixture.Client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket })).Policy, StringComparison.Ordinal);

        Assert.Equal(new[] { false, false, true, false }, await FlagsAsync(bucket));

        // All four back on: denied again.
        await PutBlockAsync(bucket, new PublicAccessBlockConfiguration { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true });
        await AssertAnonymousGetAsync(bucket, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task PolicyPinnedToAnAddress_IsNotPublic_AndAppliesWhateverTheBlock()
    {
        var bucket = await fixture.CreateBucketAsync("pab-pinned");
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "doc" });
        var policy = $$$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{{bucket}}}/*",
              "Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"}}
            }]}
            """;

        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy });

        Assert.False((await fixture.Client.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic);
        await AssertAnonymousGetAsync(bucket, HttpStatusCode.OK);
    }

    public static TheoryData<string> MalformedConfigurations => new()
    {
        "<PublicAccessBlockConfiguration><BlockPublicAcls>maybe</BlockPublicAcls></PublicAccessBlockConfiguration>",
        "<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls>",
        "<PublicAccessBlockConfiguration><BlockEverything>false</BlockEverything></PublicAccessBlockConfiguration>",
        "<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls><BlockPublicAcls>false</BlockPublicAcls></PublicAccessBlockConfiguration>",
        "<ServerSideEncryptionConfiguration/>",
        "<!DOCTYPE x [<!ENTITY f SYSTEM \"file:///etc/passwd\">]><PublicAccessBlockConfiguration><BlockPublicAcls>&f;</BlockPublicAcls></PublicAccessBlockConfiguration>",
        "",
    };

    [Theory]
    [MemberData(nameof(MalformedConfigurations))]
    public async Task PutPublicAccessBlock_Malformed_FailsWithMalformedXml_AndKeepsTheBlock(string body)
    {
        var bucket = await fixture.CreateBucketAsync("pab-malformed");

        using var response = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?publicAccessBlock", Encoding.UTF8.GetBytes(body));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "MalformedXML");
        Assert.Equal(new[] { true, true, true, true }, await FlagsAsync(bucket));
    }

    [Fact]
    public async Task PublicAccessBlock_OfAMissingBucket_FailsWithNoSuchBucket()
    {
        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchBucket", () =>
            fixture.Client.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = "pab-missing" }));
        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchBucket", () =>
            PutBlockAsync("pab-missing", new PublicAccessBlockConfiguration()));
    }

    [Fact]
    public async Task DeletedBucket_RecreatedWithTheSameName_IsBlockedAgain()
    {
        var bucket = await fixture.CreateBucketAsync("pab-recreated");
        await fixture.Client.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        await fixture.Client.DeleteBucketAsync(bucket);

        await fixture.Client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });

        Assert.Equal(new[] { true, true, true, true }, await FlagsAsync(bucket));
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () =>
            fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = PublicRead(bucket) }));
    }

    [Fact]
    public async Task AnonymousCaller_CannotChangeTheBlock()
    {
        var bucket = await fixture.CreateBucketAsync("pab-anon-put");

        using var response = await fixture.Http.DeleteAsync(new Uri(fixture.Endpoint, $"/{bucket}?publicAccessBlock"));

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
        Assert.Equal(new[] { true, true, true, true }, await FlagsAsync(bucket));
    }

    private async Task<bool[]> FlagsAsync(string bucket)
    {
        var block = (await fixture.Client.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
        return [block.BlockPublicAcls == true, block.IgnorePublicAcls == true, block.BlockPublicPolicy == true, block.RestrictPublicBuckets == true];
    }

    private Task PutBlockAsync(string bucket, PublicAccessBlockConfiguration configuration) =>
        fixture.Client.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest { BucketName = bucket, PublicAccessBlockConfiguration = configuration });

    private async Task AssertAnonymousGetAsync(string bucket, HttpStatusCode expected)
    {
        using var response = await fixture.Http.GetAsync(new Uri(fixture.Endpoint, $"/{bucket}/doc"));
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("doc", await response.Content.ReadAsStringAsync());
        }
        else
        {
            await S3Assert.ErrorAsync(response, expected, "AccessDenied");
        }
    }
}
