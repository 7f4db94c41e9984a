using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>CopyObject through the AWS SDK for .NET: metadata directives, copy onto itself, copy-source conditions.</summary>
public sealed class SdkCopyObjectTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private readonly AmazonS3Client _s3 = fixture.Client;

    [Fact]
    public async Task CopyObject_WithDefaultDirective_CopiesContentTypeAndMetadata()
    {
        var bucket = await fixture.CreateBucketAsync("copy");
        var source = await PutSourceAsync(bucket, "source", "original body");

        var copy = await _s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "copy",
        });

        Assert.Equal(source.ETag, copy.ETag);
        using var get = await _s3.GetObjectAsync(bucket, "copy");
        Assert.Equal("original body", await SdkObjectTests.ReadTextAsync(get));
        Assert.Equal("text/x-original", get.Headers.ContentType);
        Assert.Equal("one", get.Metadata["first"]);
        Assert.Equal("attachment", get.Headers.ContentDisposition);
    }

    [Fact]
    public async Task CopyObject_WithCopyDirectiveAndNewMetadata_KeepsTheSourceMetadata()
    {
        var bucket = await fixture.CreateBucketAsync("copy");
        await PutSourceAsync(bucket, "source", "body");
        var request = new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "copy",
            MetadataDirective = S3MetadataDirective.COPY,
        };
        request.Metadata.Add("ignored", "yes");

        await _s3.CopyObjectAsync(request);

        var head = await _s3.GetObjectMetadataAsync(bucket, "copy");
        Assert.Equal("one", head.Metadata["first"]);
        Assert.DoesNotContain("x-amz-meta-ignored", head.Metadata.Keys);
    }

    [Fact]
    public async Task CopyObject_WithReplaceDirective_TakesMetadataAndHeadersFromTheRequest()
    {
        var bucket = await fixture.CreateBucketAsync("copy");
        await PutSourceAsync(bucket, "source", "body");
        var request = new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "copy",
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = "application/x-replaced",
        };
        request.Metadata.Add("second", "two");

        await _s3.CopyObjectAsync(request);

        var copy = await _s3.GetObjectMetadataAsync(bucket, "copy");
        Assert.Equal("application/x-replaced", copy.Headers.ContentType);
        Assert.Equal("two", copy.Metadata["second"]);
        Assert.DoesNotContain("x-amz-meta-first", copy.Metadata.Keys);
        Assert.Null(copy.Headers.ContentDisposition);
        var source = await _s3.GetObjectMetadataAsync(bucket, "source");
        Assert.Equal("one", source.Metadata["first"]);
        Assert.Equal("text/x-original", source.Headers.ContentType);
    }

    [Fact]
    public async Task CopyObject_OntoItselfWithReplace_ChangesMetadataAndKeepsTheContent()
    {
        var bucket = await fixture.CreateBucketAsync("self");
        var source = await PutSourceAsync(bucket, "k", "same body");
        var request = new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "k",
            DestinationBucket = bucket,
            DestinationKey = "k",
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = "text/x-updated",
        };
        request.Metadata.Add("state", "updated");

        var copy = await _s3.CopyObjectAsync(request);

        Assert.Equal(source.ETag, copy.ETag);
        using var get = await _s3.GetObjectAsync(bucket, "k");
        Assert.Equal("same body", await SdkObjectTests.ReadTextAsync(get));
        Assert.Equal("text/x-updated", get.Headers.ContentType);
        Assert.Equal("updated", get.Metadata["state"]);
        Assert.DoesNotContain("x-amz-meta-first", get.Metadata.Keys);
    }

    [Fact]
    public async Task CopyObject_OntoItselfWithoutReplace_FailsWithInvalidRequest()
    {
        var bucket = await fixture.CreateBucketAsync("self");
        await PutSourceAsync(bucket, "k", "same body");

        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "InvalidRequest", () =>
            _s3.CopyObjectAsync(bucket, "k", bucket, "k"));

        var head = await _s3.GetObjectMetadataAsync(bucket, "k");
        Assert.Equal("one", head.Metadata["first"]);
    }

    [Theory]
    [InlineData("If-Match other")]
    [InlineData("If-None-Match current")]
    [InlineData("If-Modified-Since future")]
    [InlineData("If-Unmodified-Since past")]
    public async Task CopyObject_WhenACopySourceConditionFails_FailsWithPreconditionFailedAndWritesNothing(string condition)
    {
        var bucket = await fixture.CreateBucketAsync("condcopy");
        var source = await PutSourceAsync(bucket, "source", "body");
        var request = new CopyObjectRequest { SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "copy" };
        switch (condition)
        {
            case "If-Match other": request.ETagToMatch = "\"0123456789abcdef0123456789abcdef\""; break;
            case "If-None-Match current": request.ETagToNotMatch = source.ETag; break;
            case "If-Modified-Since future": request.ModifiedSinceDate = DateTime.UtcNow.AddHours(1); break;
            case "If-Unmodified-Since past": request.UnmodifiedSinceDate = DateTime.UtcNow.AddHours(-1); break;
        }

        await S3Assert.FailsAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed", () => _s3.CopyObjectAsync(request));

        Assert.False(await fixture.ObjectExistsAsync(bucket, "copy"));
    }

    [Fact]
    public async Task CopyObject_WhenCopySourceConditionsHold_Copies()
    {
        var bucket = await fixture.CreateBucketAsync("condcopy");
        var source = await PutSourceAsync(bucket, "source", "body");

        await _s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "copy",
            ETagToMatch = source.ETag,
            ModifiedSinceDate = DateTime.UtcNow.AddHours(-1),
            UnmodifiedSinceDate = DateTime.UtcNow.AddHours(1),
        });

        Assert.True(await fixture.ObjectExistsAsync(bucket, "copy"));
    }

    [Fact]
    public async Task CopyObject_IfMatchTrueAndIfUnmodifiedSinceFalse_CopiesAsS3Documents()
    {
        var bucket = await fixture.CreateBucketAsync("condcopy");
        var source = await PutSourceAsync(bucket, "source", "body");

        await _s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "copy",
            ETagToMatch = source.ETag,
            UnmodifiedSinceDate = DateTime.UtcNow.AddHours(-1),
        });

        Assert.True(await fixture.ObjectExistsAsync(bucket, "copy"));
    }

    [Fact]
    public async Task CopyObject_FromAMissingKey_FailsWithNoSuchKey()
    {
        var bucket = await fixture.CreateBucketAsync("copy");

        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchKey", () => _s3.CopyObjectAsync(bucket, "absent", bucket, "copy"));
    }

    [Fact]
    public async Task CopyObject_BetweenBucketsWithUnusualKeys_CopiesTheBytes()
    {
        var from = await fixture.CreateBucketAsync("copyfrom");
        var to = await fixture.CreateBucketAsync("copyto");
        const string SourceKey = "ünï cødé/日本 語+plus&amp?.bin";
        const string DestinationKey = "dest/../spaced key %.bin";
        var data = RandomNumberGenerator.GetBytes((1024 * 1024) + 3);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = from, Key = SourceKey, InputStream = new MemoryStream(data) });

        await _s3.CopyObjectAsync(from, SourceKey, to, DestinationKey);
        await _s3.DeleteObjectAsync(from, SourceKey);

        using var get = await _s3.GetObjectAsync(to, DestinationKey);
        Assert.Equal(data, await SdkObjectTests.ReadAllAsync(get));
    }

    [Fact]
    public async Task CopyObject_ThenOverwritingTheSource_LeavesTheCopyIntact()
    {
        var bucket = await fixture.CreateBucketAsync("copy");
        var data = RandomNumberGenerator.GetBytes(200 * 1024);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "source", InputStream = new MemoryStream(data) });

        await _s3.CopyObjectAsync(bucket, "source", bucket, "copy");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "source", ContentBody = "replaced" });

        using var get = await _s3.GetObjectAsync(bucket, "copy");
        Assert.Equal(data, await SdkObjectTests.ReadAllAsync(get));
    }

    private async Task<PutObjectResponse> PutSourceAsync(string bucket, string key, string body)
    {
        var request = new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body, ContentType = "text/x-original" };
        request.Metadata.Add("first", "one");
        request.Headers.ContentDisposition = "attachment";
        return await _s3.PutObjectAsync(request);
    }
}
