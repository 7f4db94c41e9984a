using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Bucket operations through the AWS SDK for .NET.</summary>
public sealed class SdkBucketTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private readonly AmazonS3Client _s3 = fixture.Client;

    [Fact]
    public async Task CreateBucket_ThenListBuckets_ShowsItWithOwnerAndCreationDate()
    {
        var before = DateTime.UtcNow.AddMinutes(-1);
        var bucket = await fixture.CreateBucketAsync("listed");

        var response = await _s3.ListBucketsAsync(new ListBucketsRequest());

        var listed = Assert.Single(response.Buckets ?? [], b => b.BucketName == bucket);
        Assert.InRange(listed.CreationDate!.Value.ToUniversalTime(), before, DateTime.UtcNow.AddMinutes(1));
        Assert.False(string.IsNullOrEmpty(response.Owner?.Id));
    }

    [Fact]
    public async Task CreateBucket_ThatYouAlreadyOwn_FailsWithBucketAlreadyOwnedByYou()
    {
        var bucket = await fixture.CreateBucketAsync("twice");

        await S3Assert.FailsAsync(HttpStatusCode.Conflict, "BucketAlreadyOwnedByYou", () =>
            _s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has_underscore")]
    [InlineData("UpperCase")]
    [InlineData("double..dot")]
    [InlineData("-leading-dash")]
    [InlineData("trailing-dash-")]
    [InlineData("192.168.5.4")]
    [InlineData("xn--punycode")]
    [InlineData("ends-with-s3alias")]
    [InlineData("a-bucket-name-that-is-much-too-long-to-be-accepted-by-s3-rules-x")]
    public async Task CreateBucket_WithInvalidName_FailsWithInvalidBucketName(string name)
    {
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "InvalidBucketName", () =>
            _s3.PutBucketAsync(new PutBucketRequest { BucketName = name }));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("with.dots.inside")]
    [InlineData("a-bucket-name-that-is-exactly-sixty-three-characters-long-00000")]
    public async Task CreateBucket_WithValidEdgeCaseName_Succeeds(string name)
    {
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = name });

        Assert.True(await BucketExistsAsync(name));
    }

    [Fact]
    public async Task HeadBucket_OnExistingBucket_Succeeds()
    {
        var bucket = await fixture.CreateBucketAsync("head");

        var response = await _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket });

        Assert.Equal(HttpStatusCode.OK, response.HttpStatusCode);
        Assert.Equal("us-east-1", response.BucketRegion);
    }

    [Fact]
    public async Task HeadBucket_OnMissingBucket_Returns404()
    {
        await S3Assert.FailsWithStatusAsync(HttpStatusCode.NotFound, () =>
            _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = "no-such-bucket-here" }));
    }

    [Fact]
    public async Task GetBucketLocation_ForUsEast1_ReturnsTheEmptyConstraint()
    {
        var bucket = await fixture.CreateBucketAsync("location");

        var response = await _s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket });

        Assert.Contains(response.Location?.Value ?? string.Empty, new[] { string.Empty, "us-east-1" });
    }

    [Fact]
    public async Task GetBucketLocation_OnMissingBucket_FailsWithNoSuchBucket()
    {
        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchBucket", () =>
            _s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = "no-such-bucket-here" }));
    }

    [Fact]
    public async Task DeleteBucket_WhenEmpty_RemovesIt()
    {
        var bucket = await fixture.CreateBucketAsync("doomed");

        var response = await _s3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = bucket });

        Assert.Equal(HttpStatusCode.NoContent, response.HttpStatusCode);
        Assert.False(await BucketExistsAsync(bucket));
        var listed = await _s3.ListBucketsAsync(new ListBucketsRequest());
        Assert.DoesNotContain(listed.Buckets ?? [], b => b.BucketName == bucket);
    }

    [Fact]
    public async Task DeleteBucket_WithAnObjectInIt_FailsWithBucketNotEmpty()
    {
        var bucket = await fixture.CreateBucketAsync("full");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "keep", ContentBody = "x" });

        await S3Assert.FailsAsync(HttpStatusCode.Conflict, "BucketNotEmpty", () =>
            _s3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = bucket }));
        Assert.True(await fixture.ObjectExistsAsync(bucket, "keep"));
    }

    [Fact]
    public async Task DeleteBucket_OnMissingBucket_FailsWithNoSuchBucket()
    {
        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchBucket", () =>
            _s3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = "no-such-bucket-here" }));
    }

    [Theory]
    [InlineData("PutObject")]
    [InlineData("GetObject")]
    [InlineData("DeleteObject")]
    [InlineData("DeleteObjects")]
    [InlineData("ListObjects")]
    [InlineData("ListObjectsV2")]
    [InlineData("CopyObjectTo")]
    [InlineData("CopyObjectFrom")]
    public async Task ObjectOperation_OnMissingBucket_FailsWithNoSuchBucket(string operation)
    {
        const string Missing = "no-such-bucket-here";
        var existing = await fixture.CreateBucketAsync("present");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = existing, Key = "k", ContentBody = "x" });

        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchBucket", () => operation switch
        {
            "PutObject" => _s3.PutObjectAsync(new PutObjectRequest { BucketName = Missing, Key = "k", ContentBody = "x" }),
            "GetObject" => _s3.GetObjectAsync(Missing, "k"),
            "DeleteObject" => _s3.DeleteObjectAsync(Missing, "k"),
            "DeleteObjects" => _s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = Missing, Objects = [new KeyVersion { Key = "k" }] }),
            "ListObjects" => _s3.ListObjectsAsync(new ListObjectsRequest { BucketName = Missing }),
            "ListObjectsV2" => _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Missing }),
            "CopyObjectTo" => _s3.CopyObjectAsync(existing, "k", Missing, "k"),
            "CopyObjectFrom" => _s3.CopyObjectAsync(Missing, "k", existing, "copy"),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        });
    }

    private async Task<bool> BucketExistsAsync(string bucket)
    {
        try
        {
            await _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket });
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
