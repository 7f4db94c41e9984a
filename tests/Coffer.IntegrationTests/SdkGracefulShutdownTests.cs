using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>SIGTERM drains: requests in flight finish, then the process exits cleanly.</summary>
public sealed class SdkGracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_WhileALargeGetIsInFlight_LetsTheGetFinishAndExitsWithZero()
    {
        await using var server = await CofferServer.StartAsync();
        using var s3 = new AmazonS3Client(
            new BasicAWSCredentials(CofferServer.AccessKey, CofferServer.SecretKey),
            new AmazonS3Config { ServiceURL = server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = SdkServerFixture.Region, MaxErrorRetry = 0 });
        var data = RandomNumberGenerator.GetBytes(48 * 1024 * 1024);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "draining" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "draining", Key = "large", InputStream = new MemoryStream(data) });

        using var get = await s3.GetObjectAsync("draining", "large");
        var received = new MemoryStream();
        await CopyAsync(get.ResponseStream, received, 1024 * 1024);

        var stop = server.StopAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        Assert.False(stop.IsCompleted, "the server exited while a response was still being sent");

        await get.ResponseStream.CopyToAsync(received);
        var exitCode = await stop;

        Assert.Equal(data.Length, received.Length);
        Assert.True(data.AsSpan().SequenceEqual(received.GetBuffer().AsSpan(0, (int)received.Length)), "the drained body is intact");
        Assert.Equal(0, exitCode);
        lock (server.Output)
        {
            Assert.Contains(server.Output, line => line.Contains("stopped cleanly", StringComparison.Ordinal));
        }
    }

    private static async Task CopyAsync(Stream source, Stream destination, int count)
    {
        var buffer = new byte[64 * 1024];
        while (count > 0)
        {
            var n = await source.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, count)));
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            await destination.WriteAsync(buffer.AsMemory(0, n));
            count -= n;
        }
    }
}
