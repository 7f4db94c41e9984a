using System.Net;
using System.Text;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Bucket policies through the SDK and raw HTTP: what is stored, what is refused, and that a refusal changes nothing.</summary>
public sealed class BucketPolicyTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private static string ReadOnlyFor(string bucket, string principal) => $$"""
        {
          "Version": "2012-10-17",
          "Id": "read-only",
          "Statement": [{
            "Sid": "ReadObjects",
            "Effect": "Allow",
            "Principal": {"AWS": "{{principal}}"},
            "Action": ["s3:GetObject"],
            "Resource": "arn:aws:s3:::{{bucket}}/*"
          }]
        }
        """;

    [Fact]
    public async Task PutBucketPolicy_ThenGet_ReturnsTheDocumentAsWritten()
    {
        var bucket = await fixture.CreateBucketAsync("policy");
        var policy = ReadOnlyFor(bucket, "arn:aws:iam::123456789012:user/alex");

        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy });
        var stored = await fixture.Client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket });
        var status = await fixture.Client.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket });

        Assert.Equal(policy, stored.Policy);
        Assert.False(status.PolicyStatus.IsPublic);
    }

    /// <summary>The SDK does not raise NoSuchBucketPolicy as an error, so the wire answer is checked.</summary>
    private async Task AssertNoPolicyAsync(string bucket)
    {
        using var response = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}?policy");
        await S3Assert.ErrorAsync(response, HttpStatusCode.NotFound, "NoSuchBucketPolicy");
    }

    [Fact]
    public async Task GetBucketPolicy_WhenNoneIsSet_FailsWithNoSuchBucketPolicy()
    {
        var bucket = await fixture.CreateBucketAsync("nopolicy");

        await AssertNoPolicyAsync(bucket);
        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchBucketPolicy", () =>
            fixture.Client.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket }));
    }

    [Fact]
    public async Task DeleteBucketPolicy_RemovesIt_AndIsIdempotent()
    {
        var bucket = await fixture.CreateBucketAsync("delpolicy");
        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = ReadOnlyFor(bucket, "arn:aws:iam::123456789012:user/alex") });

        await fixture.Client.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket });
        await fixture.Client.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket });

        await AssertNoPolicyAsync(bucket);
    }

    [Fact]
    public async Task BucketPolicy_OfAMissingBucket_FailsWithNoSuchBucket()
    {
        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchBucket", () =>
            fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = "no-such-bucket-here", Policy = ReadOnlyFor("no-such-bucket-here", "*") }));
    }

    [Fact]
    public async Task DeletedBucket_RecreatedWithTheSameName_HasNoPolicy()
    {
        var bucket = await fixture.CreateBucketAsync("recreated");
        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = ReadOnlyFor(bucket, "arn:aws:iam::123456789012:user/alex") });
        await fixture.Client.DeleteBucketAsync(bucket);
        await fixture.Client.PutBucketAsync(bucket);

        await AssertNoPolicyAsync(bucket);
    }

    public static TheoryData<string, string> MalformedPolicies => new()
    {
        { "not json", "this is not a policy" },
        { "truncated", """{"Version": "2012-10-17", "Statement": [""" },
        { "no principal", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}""" },
        { "bad effect", """{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}""" },
        { "unknown operator", """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringSortOf":{"aws:username":"x"}}}]}""" },
        { "bad action", """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"GetObject","Resource":"arn:aws:s3:::b/*"}]}""" },
        { "deep nesting", "{\"Version\":\"2012-10-17\",\"Statement\":" + new string('[', 500) + new string(']', 500) + "}" },
        { "bad version", """{"Version":"2020-01-01","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedPolicies))]
    public async Task PutBucketPolicy_Malformed_FailsWithMalformedPolicy_AndKeepsThePrevious(string name, string policy)
    {
        var bucket = await fixture.CreateBucketAsync("malformed");
        var previous = ReadOnlyFor(bucket, "arn:aws:iam::123456789012:user/alex");
        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = previous });

        using var response = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?policy", Encoding.UTF8.GetBytes(policy));

        var error = await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "MalformedPolicy");
        Assert.False(string.IsNullOrEmpty(error.Element("Message")?.Value), name);
        Assert.Equal(previous, (await fixture.Client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket })).Policy);
    }

    [Fact]
    public async Task PutBucketPolicy_WithAWrongContentMd5_FailsWithBadDigest_AndStoresNothing()
    {
        var bucket = await fixture.CreateBucketAsync("digest");
        var policy = Encoding.UTF8.GetBytes(ReadOnlyFor(bucket, "arn:aws:iam::123456789012:user/alex"));
        var wrong = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData("something else"u8.ToArray()));

        using var response = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?policy", policy, r => r.Content!.Headers.TryAddWithoutValidation("Content-MD5", wrong));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "BadDigest");
        await AssertNoPolicyAsync(bucket);
    }

    [Fact]
    public async Task PutBucketPolicy_OverTwentyKilobytes_IsRefused()
    {
        var bucket = await fixture.CreateBucketAsync("huge");
        var statements = string.Join(',', Enumerable.Range(0, 400).Select(i =>
            $$"""{"Sid":"S{{i}}","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::{{bucket}}/k{{i}}"}"""));
        var policy = $$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""";
        Assert.True(policy.Length > 20 * 1024);

        using var response = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?policy", Encoding.UTF8.GetBytes(policy));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "MalformedPolicy");
        await AssertNoPolicyAsync(bucket);
    }

    [Fact]
    public async Task PutBucketPolicy_GrantingEveryone_IsRefusedWhilePublicAccessIsBlocked()
    {
        var bucket = await fixture.CreateBucketAsync("public");

        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () =>
            fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = ReadOnlyFor(bucket, "*") }));

        await AssertNoPolicyAsync(bucket);
    }

    [Fact]
    public async Task BucketPolicy_DenyingTheAccount_BindsRoot_ButRootCanStillRemoveIt()
    {
        var bucket = await fixture.CreateBucketAsync("lockout");
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "kept", ContentBody = "kept" });
        var deny = $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{{bucket}}","arn:aws:s3:::{{bucket}}/*"]}
            ]}
            """;
        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = deny });

        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => fixture.Client.GetObjectAsync(bucket, "kept"));
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => fixture.Client.DeleteObjectAsync(bucket, "kept"));

        await fixture.Client.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket });
        using var restored = await fixture.Client.GetObjectAsync(bucket, "kept");
        Assert.Equal(HttpStatusCode.OK, restored.HttpStatusCode);
    }

    [Fact]
    public async Task AnonymousRequest_IsAllowedOnlyFromTheAddressesAPolicyNames()
    {
        var bucket = await fixture.CreateBucketAsync("anon");
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "doc" });
        var policy = $$$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{{bucket}}}/*",
              "Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}
            }]}
            """;
        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy });
        Assert.False((await fixture.Client.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic);

        // The test runs from 127.0.0.1, outside the granted range.
        using (var response = await fixture.Http.GetAsync(new Uri(fixture.Endpoint, $"/{bucket}/doc")))
        {
            await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
        }

        // Pinned to fixed addresses the grant is not public (S3's definition), so it applies.
        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy.Replace("192.0.2.0/24", "127.0.0.1/32", StringComparison.Ordinal) });
        using (var response = await fixture.Http.GetAsync(new Uri(fixture.Endpoint, $"/{bucket}/doc")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("doc", await response.Content.ReadAsStringAsync());
        }

        using (var other = await fixture.Http.GetAsync(new Uri(fixture.Endpoint, $"/{bucket}")))
        {
            await S3Assert.ErrorAsync(other, HttpStatusCode.Forbidden, "AccessDenied");
        }
    }
}
