using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>DeleteObjects (multi-object delete) through the AWS SDK for .NET.</summary>
public sealed class SdkDeleteObjectsTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private readonly AmazonS3Client _s3 = fixture.Client;

    [Fact]
    public async Task DeleteObjects_Verbose_ReportsEveryKeyAsDeletedIncludingMissingOnes()
    {
        var bucket = await fixture.CreateBucketAsync("multi");
        await PutAllAsync(bucket, "a", "b", "keep");

        var response = await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "a" }, new KeyVersion { Key = "b" }, new KeyVersion { Key = "never-existed" }],
        });

        Assert.Equal(["a", "b", "never-existed"], (response.DeletedObjects ?? []).Select(d => d.Key).Order());
        Assert.Empty(response.DeleteErrors ?? []);
        Assert.False(await fixture.ObjectExistsAsync(bucket, "a"));
        Assert.False(await fixture.ObjectExistsAsync(bucket, "b"));
        Assert.True(await fixture.ObjectExistsAsync(bucket, "keep"));
    }

    [Fact]
    public async Task DeleteObjects_Quiet_ReportsNothingButDeletes()
    {
        var bucket = await fixture.CreateBucketAsync("quiet");
        await PutAllAsync(bucket, "a", "b");

        var response = await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Quiet = true,
            Objects = [new KeyVersion { Key = "a" }, new KeyVersion { Key = "b" }],
        });

        Assert.Empty(response.DeletedObjects ?? []);
        Assert.Empty(response.DeleteErrors ?? []);
        Assert.False(await fixture.ObjectExistsAsync(bucket, "a"));
        Assert.False(await fixture.ObjectExistsAsync(bucket, "b"));
    }

    [Fact]
    public async Task DeleteObjects_WithKeysThatNeedXmlEscaping_DeletesExactlyThem()
    {
        var bucket = await fixture.CreateBucketAsync("escape");
        string[] keys = ["a&b", "<tag>", "quote\"'", "ünïcødé 日本", "tab\there", "../../etc/passwd"];
        await PutAllAsync(bucket, [.. keys, "a"]);

        var response = await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = keys.Select(k => new KeyVersion { Key = k }).ToList(),
        });

        Assert.Equal(keys.Order(StringComparer.Ordinal), (response.DeletedObjects ?? []).Select(d => d.Key).Order(StringComparer.Ordinal));
        var left = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal("a", Assert.Single(left.S3Objects ?? []).Key);
    }

    [Fact]
    public async Task DeleteObjects_WithAThousandKeys_DeletesThemAll()
    {
        var bucket = await fixture.CreateBucketAsync("thousand");
        var keys = Enumerable.Range(0, 1000).Select(i => $"k{i:D4}").ToList();
        await PutAllAsync(bucket, keys.Take(20).ToArray());

        var response = await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Quiet = true,
            Objects = keys.Select(k => new KeyVersion { Key = k }).ToList(),
        });

        Assert.Empty(response.DeleteErrors ?? []);
        var left = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Empty(left.S3Objects ?? []);
    }

    [Fact]
    public async Task DeleteObjects_WithMoreThanAThousandKeys_FailsWithMalformedXml()
    {
        var bucket = await fixture.CreateBucketAsync("toomany");
        await PutAllAsync(bucket, "k0000");

        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "MalformedXML", () => _s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = Enumerable.Range(0, 1001).Select(i => new KeyVersion { Key = $"k{i:D4}" }).ToList(),
        }));

        Assert.True(await fixture.ObjectExistsAsync(bucket, "k0000"));
    }

    private async Task PutAllAsync(string bucket, params string[] keys)
    {
        foreach (var key in keys)
        {
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }
    }
}
