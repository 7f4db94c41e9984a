using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Object tagging through the AWS SDK for .NET.</summary>
public sealed class SdkTaggingTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private readonly AmazonS3Client _s3 = fixture.Client;

    [Fact]
    public async Task PutObjectTagging_OnAVersion_ChangesOnlyThatVersion_AndMakesNoNewOne()
    {
        var bucket = await fixture.CreateBucketAsync("tags");
        await _s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        var v1 = (await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "one", TagSet = [new Tag { Key = "classification", Value = "secret" }] })).VersionId;
        var v2 = (await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "two" })).VersionId;

        var tagged = await _s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "doc", VersionId = v2, Tagging = new Tagging { TagSet = [new Tag { Key = "state", Value = "draft" }] } });

        Assert.Equal(v2, tagged.VersionId);
        var first = await _s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "doc", VersionId = v1 });
        Assert.Equal(("classification", "secret"), (first.Tagging.Single().Key, first.Tagging.Single().Value));
        var current = await _s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "doc" });
        Assert.Equal("state", current.Tagging.Single().Key);
        var versions = await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(2, versions.Versions.Count);
        using var get = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "doc", VersionId = v1 });
        Assert.Equal(1, get.TagCount);
    }

    [Fact]
    public async Task DeleteObjectTagging_LeavesAnEmptyTagSet()
    {
        var bucket = await fixture.CreateBucketAsync("tags");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = [new Tag { Key = "a", Value = "1" }] });

        var deleted = await _s3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "k" });

        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        Assert.Empty((await _s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging ?? []);
    }

    [Fact]
    public async Task CopyObject_CopiesTags_OrReplacesThem()
    {
        var bucket = await fixture.CreateBucketAsync("tags");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "x", TagSet = [new Tag { Key = "a", Value = "1" }] });

        await _s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "copy" });
        await _s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "replaced", TaggingDirective = TaggingDirective.REPLACE, TagSet = [new Tag { Key = "b", Value = "2" }] });

        Assert.Equal("a", (await _s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "copy" })).Tagging.Single().Key);
        Assert.Equal("b", (await _s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "replaced" })).Tagging.Single().Key);
    }

    [Fact]
    public async Task PutObjectTagging_ElevenTags_IsBadRequest_AndAnAwsKeyIsInvalidTag()
    {
        var bucket = await fixture.CreateBucketAsync("tags");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var eleven = Enumerable.Range(0, 11).Select(i => new Tag { Key = "k" + i, Value = "v" }).ToList();

        var tooMany = await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "BadRequest", () =>
            _s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "k", Tagging = new Tagging { TagSet = eleven } }));
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "InvalidTag", () =>
            _s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "k", Tagging = new Tagging { TagSet = [new Tag { Key = "aws:x", Value = "v" }] } }));

        Assert.Equal("Object tags cannot be greater than 10", tooMany.Message);
    }
}
