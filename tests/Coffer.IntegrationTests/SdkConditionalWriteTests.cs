using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Conditional writes (If-Match / If-None-Match on PutObject and CopyObject) and racing writers and readers.</summary>
public sealed class SdkConditionalWriteTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private readonly AmazonS3Client _s3 = fixture.Client;

    [Fact]
    public async Task PutObject_IfMatchWithTheCurrentETag_ReplacesTheObject()
    {
        var bucket = await fixture.CreateBucketAsync("ifmatch");
        var first = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first" });

        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second", IfMatch = first.ETag });

        Assert.Equal("second", await GetTextAsync(bucket, "k"));
    }

    [Fact]
    public async Task PutObject_IfMatchWithAStaleETag_FailsWithPreconditionFailedAndKeepsTheObject()
    {
        var bucket = await fixture.CreateBucketAsync("ifmatch");
        var first = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first" });
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second" });

        await S3Assert.FailsAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed", () =>
            _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "third", IfMatch = first.ETag }));

        Assert.Equal("second", await GetTextAsync(bucket, "k"));
    }

    [Fact]
    public async Task PutObject_IfMatchOnAMissingKey_FailsWithNoSuchKey()
    {
        var bucket = await fixture.CreateBucketAsync("ifmatch");

        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchKey", () =>
            _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", IfMatch = "\"0123456789abcdef0123456789abcdef\"" }));

        Assert.False(await fixture.ObjectExistsAsync(bucket, "k"));
    }

    [Fact]
    public async Task PutObject_IfNoneMatchStarFromRacingWriters_LetsExactlyOneWin()
    {
        var bucket = await fixture.CreateBucketAsync("race");
        var bodies = Enumerable.Range(0, 8).Select(i => $"writer {i} " + new string('x', 100 * 1024)).ToList();

        var attempts = await Task.WhenAll(bodies.Select(async body =>
        {
            try
            {
                await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "lock", ContentBody = body, IfNoneMatch = "*" });
                return (Body: body, Error: (AmazonS3Exception?)null);
            }
            catch (AmazonS3Exception e)
            {
                return (Body: body, Error: e);
            }
        }));

        var winner = Assert.Single(attempts, a => a.Error is null);
        Assert.All(attempts.Where(a => a.Error is not null), a =>
            Assert.Contains(a.Error!.StatusCode, new[] { HttpStatusCode.PreconditionFailed, HttpStatusCode.Conflict }));
        Assert.Equal(winner.Body, await GetTextAsync(bucket, "lock"));
    }

    [Fact]
    public async Task CopyObject_IfNoneMatchStarOntoAnExistingKey_FailsWithPreconditionFailed()
    {
        var bucket = await fixture.CreateBucketAsync("copycond");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "source", ContentBody = "source" });
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "target", ContentBody = "target" });

        await S3Assert.FailsAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed", () => _s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "target",
            IfNoneMatch = "*",
        }));

        Assert.Equal("target", await GetTextAsync(bucket, "target"));
    }

    [Fact]
    public async Task GetObject_WhileTheObjectIsReplaced_ReturnsTheOldVersionWhole()
    {
        var bucket = await fixture.CreateBucketAsync("overwrite");
        var old = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(old) });

        using var get = await _s3.GetObjectAsync(bucket, "k");
        var first = new byte[1024];
        await get.ResponseStream.ReadExactlyAsync(first);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(3 * 1024 * 1024)) });
        await _s3.DeleteObjectAsync(bucket, "k");
        var rest = new MemoryStream();
        await get.ResponseStream.CopyToAsync(rest);

        Assert.Equal(old, first.Concat(rest.ToArray()).ToArray());
    }

    [Fact]
    public async Task GetObject_WhileTheObjectIsRewrittenRepeatedly_AlwaysReturnsOneWholeVersion()
    {
        var bucket = await fixture.CreateBucketAsync("flapping");
        var versions = Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetBytes(512 * 1024)).ToList();
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(versions[0]) });
        using var stop = new CancellationTokenSource();

        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(versions[i % versions.Count]) });
            }
        });
        for (var read = 0; read < 15; read++)
        {
            using var get = await _s3.GetObjectAsync(bucket, "k");
            var body = await SdkObjectTests.ReadAllAsync(get);
            Assert.Contains(versions, v => v.AsSpan().SequenceEqual(body));
        }

        await stop.CancelAsync();
        await writer;
    }

    private async Task<string> GetTextAsync(string bucket, string key)
    {
        using var response = await _s3.GetObjectAsync(bucket, key);
        return await SdkObjectTests.ReadTextAsync(response);
    }
}
