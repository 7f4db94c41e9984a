using System.Globalization;
using System.Net;
using Amazon.S3.Model;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Http;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// The condition keys S3 requests carry, proved through bucket policies whose explicit denies
/// bind even the account root: each test denies on one key and shows the request with the
/// key's other value passing, and that a denied write stored nothing.
/// </summary>
public sealed class ConditionKeyTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private async Task<string> BucketDenyingAsync(string purpose, string action, string condition, string resourceSuffix = "/*")
    {
        var bucket = await fixture.CreateBucketAsync(purpose);
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "doc" });
        var policy = $$"""
            {"Version": "2012-10-17", "Statement": [{"Sid": "Guard", "Effect": "Deny", "Principal": "*", "Action": "{{action}}",
              "Resource": "arn:aws:s3:::{{bucket}}{{resourceSuffix}}", "Condition": {{condition}} }]}
            """;
        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy });
        return bucket;
    }

    [Fact]
    public async Task SecureTransport_DenyOverPlainHttp_RefusesTheWrite_AndStoresNothing()
    {
        var bucket = await BucketDenyingAsync("tls", "s3:PutObject", """{"Bool": {"aws:SecureTransport": "false"}}""");

        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () =>
            fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", ContentBody = "x" }));

        await fixture.Client.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket });
        Assert.False(await fixture.ObjectExistsAsync(bucket, "plain"));
    }

    [Fact]
    public async Task MaxKeys_IsANumber_AndAbsentWhenNotSent()
    {
        var bucket = await BucketDenyingAsync("maxkeys", "s3:ListBucket", """{"NumericGreaterThan": {"s3:max-keys": "100"}}""", resourceSuffix: "");

        var small = await fixture.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 50 });
        Assert.Single(small.S3Objects);
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () =>
            fixture.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 500 }));
        using var unbounded = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}?list-type=2");
        Assert.Equal(HttpStatusCode.OK, unbounded.StatusCode);
    }

    [Fact]
    public async Task Prefix_And_Delimiter_AreTheQueryParameters()
    {
        var bucket = await BucketDenyingAsync(
            "prefix",
            "s3:ListBucket",
            """{"StringNotLike": {"s3:prefix": "public/*"}, "StringEquals": {"s3:delimiter": "/"}}""",
            resourceSuffix: "");

        using (var denied = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}?list-type=2&prefix=private/&delimiter=/"))
        {
            await S3Assert.ErrorAsync(denied, HttpStatusCode.Forbidden, "AccessDenied");
        }

        using (var allowed = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}?list-type=2&prefix=public/&delimiter=/"))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        // Without a delimiter the deny's second key does not match, so the statement does not apply.
        using var noDelimiter = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}?list-type=2&prefix=private/");
        Assert.Equal(HttpStatusCode.OK, noDelimiter.StatusCode);
    }

    [Fact]
    public async Task AuthType_TellsPreSignedUrlsFromSignedHeaders()
    {
        var bucket = await BucketDenyingAsync("authtype", "s3:GetObject", """{"StringEquals": {"s3:authType": "REST-QUERY-STRING"}}""");
        var url = fixture.Signer.Presign("GET", new Uri(fixture.Endpoint, $"/{bucket}/doc"), TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow);

        using (var presigned = await fixture.Http.GetAsync(url))
        {
            await S3Assert.ErrorAsync(presigned, HttpStatusCode.Forbidden, "AccessDenied");
        }

        using var header = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}/doc");
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
    }

    [Fact]
    public async Task SignatureVersion_TellsSigV2FromSigV4()
    {
        var bucket = await BucketDenyingAsync("sigversion", "s3:GetObject", """{"StringEquals": {"s3:signatureversion": "AWS"}}""");

        using (var v2 = await fixture.Http.GetAsync(PresignV2(bucket, "doc", DateTimeOffset.UtcNow.AddMinutes(5))))
        {
            await S3Assert.ErrorAsync(v2, HttpStatusCode.Forbidden, "AccessDenied");
        }

        using var v4 = await fixture.Http.GetAsync(fixture.Signer.Presign("GET", new Uri(fixture.Endpoint, $"/{bucket}/doc"), TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, v4.StatusCode);
    }

    [Fact]
    public async Task SignatureAge_IsMillisecondsSinceSigning()
    {
        var bucket = await BucketDenyingAsync("sigage", "s3:GetObject", """{"NumericGreaterThan": {"s3:signatureAge": "600000"}}""");

        var old = fixture.Signer.Presign("GET", new Uri(fixture.Endpoint, $"/{bucket}/doc"), TimeSpan.FromHours(1), DateTimeOffset.UtcNow.AddMinutes(-20));
        using (var stale = await fixture.Http.GetAsync(old))
        {
            await S3Assert.ErrorAsync(stale, HttpStatusCode.Forbidden, "AccessDenied");
        }

        var fresh = fixture.Signer.Presign("GET", new Uri(fixture.Endpoint, $"/{bucket}/doc"), TimeSpan.FromHours(1), DateTimeOffset.UtcNow.AddMinutes(-1));
        using var recent = await fixture.Http.GetAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, recent.StatusCode);
    }

    [Fact]
    public async Task EncryptionHeader_RequiredByANullCondition()
    {
        var bucket = await BucketDenyingAsync("sse", "s3:PutObject", """{"Null": {"s3:x-amz-server-side-encryption": "true"}}""");

        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () =>
            fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "unencrypted", ContentBody = "x" }));

        await fixture.Client.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket });
        Assert.False(await fixture.ObjectExistsAsync(bucket, "unencrypted"));
    }

    [Fact]
    public async Task RequestObjectTag_ComesFromTheTaggingHeader()
    {
        var bucket = await BucketDenyingAsync("tags", "s3:PutObject", """{"StringEquals": {"s3:RequestObjectTag/class": "secret"}}""");

        using (var tagged = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/tagged", "x"u8.ToArray(), r => r.Headers.Add("x-amz-tagging", "class=secret&team=red")))
        {
            await S3Assert.ErrorAsync(tagged, HttpStatusCode.Forbidden, "AccessDenied");
        }

        using var plain = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/plain", "x"u8.ToArray(), r => r.Headers.Add("x-amz-tagging", "class=open"));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(await fixture.ObjectExistsAsync(bucket, "tagged"));
    }

    [Fact]
    public async Task SourceIp_IsThePeerAddress()
    {
        var bucket = await BucketDenyingAsync("sourceip", "s3:GetObject", """{"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::1/128"]}}""");

        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => fixture.Client.GetObjectAsync(bucket, "doc"));

        var policy = (await fixture.Client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket })).Policy;
        await fixture.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy.Replace("10.0.0.0/8", "127.0.0.0/8", StringComparison.Ordinal) });
        using var allowed = await fixture.Client.GetObjectAsync(bucket, "doc");
        Assert.Equal(HttpStatusCode.OK, allowed.HttpStatusCode);
    }

    private Uri PresignV2(string bucket, string key, DateTimeOffset expires)
    {
        var expiresText = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var resource = $"/{bucket}/{key}";
        var stringToSign = SigV2.StringToSign("GET", string.Empty, string.Empty, expiresText, [], resource, QueryParameters.Parse([]));
        var signature = SigV2.Signature(System.Text.Encoding.UTF8.GetBytes(CofferServer.SecretKey), stringToSign);
        return new Uri(fixture.Endpoint, $"{resource}?AWSAccessKeyId={CofferServer.AccessKey}&Expires={expiresText}&Signature={Uri.EscapeDataString(signature)}");
    }
}
