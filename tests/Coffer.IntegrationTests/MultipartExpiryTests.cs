using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Incomplete uploads are removed after the configured expiry; completed ones are not touched.</summary>
public sealed class MultipartExpiryTests
{
    private const string Bucket = "expiry";

    [Fact]
    public async Task IncompleteUpload_OlderThanTheExpiry_IsRemovedWithItsPartFiles()
    {
        var data = Directory.CreateTempSubdirectory("coffer-expiry-").FullName;
        try
        {
            string abandoned;
            byte[][] parts = [RandomData.Bytes(5 * RandomData.MiB, 2), RandomData.Bytes(10, 3)];
            await using (var first = await CofferServer.StartAsync(data))
            {
                using var client = SdkClients.Create(first);
                await client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
                abandoned = (await client.InitiateMultipartUploadAsync(Bucket, "abandoned")).UploadId;
                await UploadPartAsync(client, "abandoned", abandoned, 1, RandomData.Bytes(RandomData.MiB, 1));

                var finished = (await client.InitiateMultipartUploadAsync(Bucket, "finished")).UploadId;
                var etags = new List<PartETag>();
                for (var i = 0; i < parts.Length; i++)
                {
                    etags.Add(new PartETag(await UploadPartAsync(client, "finished", finished, i + 1, parts[i])));
                }

                await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = "finished", UploadId = finished, PartETags = etags });
            }

            Assert.Equal(3, DataDirectory.BlobFileCount(data));

            // The sweep runs 5 s after start and then every 10 minutes, so the upload is made before a
            // restart with a 2 s expiry: the first sweep of the restarted server is certain to find it expired.
            await using var server = await CofferServer.StartAsync(data, environment: new Dictionary<string, string> { ["COFFER_INCOMPLETE_UPLOAD_EXPIRY"] = "00:00:02" });
            using var restarted = SdkClients.Create(server);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (await UploadExistsAsync(restarted, abandoned))
            {
                Assert.True(DateTime.UtcNow < deadline, "the expired upload is still there 20 s after start");
                await Task.Delay(250);
            }

            var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => UploadPartAsync(restarted, "abandoned", abandoned, 2, RandomData.Bytes(10, 4)));
            Assert.Equal("NoSuchUpload", error.ErrorCode);
            Assert.Empty((await restarted.ListMultipartUploadsAsync(Bucket)).MultipartUploads ?? []);
            Assert.Equal(2, DataDirectory.BlobFileCount(data));
            using var get = await restarted.GetObjectAsync(Bucket, "finished");
            using var body = new MemoryStream();
            await get.ResponseStream.CopyToAsync(body);
            Assert.Equal(parts.SelectMany(p => p).ToArray(), body.ToArray());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static Task<UploadPartResponse> UploadPartAsync(AmazonS3Client client, string key, string uploadId, int partNumber, byte[] data) =>
        client.UploadPartAsync(new UploadPartRequest { BucketName = Bucket, Key = key, UploadId = uploadId, PartNumber = partNumber, InputStream = new MemoryStream(data) });

    private static async Task<bool> UploadExistsAsync(AmazonS3Client client, string uploadId)
    {
        try
        {
            await client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = "abandoned", UploadId = uploadId });
            return true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            return false;
        }
    }
}
