using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Virtual-hosted-style addressing (bucket.localhost:PORT) with the AWS SDK for .NET.</summary>
public sealed class SdkVirtualHostedTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    [Fact]
    public async Task VirtualHostedClient_CreatesPutsGetsListsAndDeletes_UnderTheBucketHostName()
    {
        var wire = new RecordingHttpClientFactory();
        using var client = fixture.CreateClient(forcePathStyle: false, wire, serviceUrl: $"http://localhost:{fixture.Server.Port}");
        const string Bucket = "virtual-hosted";

        await client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        await client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "dir/hello world.txt", ContentBody = "hello" });
        await client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "other.txt", ContentBody = "other" });
        using var get = await client.GetObjectAsync(Bucket, "dir/hello world.txt");
        var body = await SdkObjectTests.ReadTextAsync(get);
        var list = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = "dir/" });
        var head = await client.HeadBucketAsync(new HeadBucketRequest { BucketName = Bucket });

        Assert.Equal("hello", body);
        Assert.Equal("dir/hello world.txt", Assert.Single(list.S3Objects ?? []).Key);
        Assert.Equal(HttpStatusCode.OK, head.HttpStatusCode);
        Assert.NotEmpty(wire.Exchanges);
        Assert.All(wire.Exchanges, e =>
        {
            Assert.Equal($"{Bucket}.localhost", e.Uri.Host);
            Assert.False(e.Uri.AbsolutePath.StartsWith($"/{Bucket}", StringComparison.Ordinal), e.Uri.ToString());
        });

        // The path-style client sees the same bucket and object.
        using var pathStyle = await fixture.Client.GetObjectAsync(Bucket, "dir/hello world.txt");
        Assert.Equal("hello", await SdkObjectTests.ReadTextAsync(pathStyle));

        await client.DeleteObjectAsync(Bucket, "dir/hello world.txt");
        Assert.False(await fixture.ObjectExistsAsync(Bucket, "dir/hello world.txt"));
    }

    [Fact]
    public async Task VirtualHostedClient_OnAMissingBucket_FailsWithNoSuchBucket()
    {
        using var client = fixture.CreateClient(forcePathStyle: false, new RecordingHttpClientFactory(), serviceUrl: $"http://localhost:{fixture.Server.Port}");

        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchBucket", () =>
            client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "not-there-virtually" }));
    }

    [Fact]
    public async Task VirtualHostedClient_WithUnusualKeys_AddressesTheSameObjectsAsPathStyle()
    {
        var bucket = await fixture.CreateBucketAsync("vhkeys");
        using var client = fixture.CreateClient(forcePathStyle: false, new RecordingHttpClientFactory(), serviceUrl: $"http://localhost:{fixture.Server.Port}");
        string[] keys = ["ünïcødé 日本.txt", "../../etc/passwd", "a+b=c&d.txt", "dir/"];

        foreach (var key in keys)
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }

        foreach (var key in keys)
        {
            using var get = await fixture.Client.GetObjectAsync(bucket, key);
            Assert.Equal(key, await SdkObjectTests.ReadTextAsync(get));
        }
    }
}
