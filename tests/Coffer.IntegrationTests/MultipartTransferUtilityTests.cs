using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>The SDK's high-level TransferUtility: parallel part uploads and part-wise parallel downloads.</summary>
public sealed class MultipartTransferUtilityTests
{
    [Fact]
    public async Task TransferUtility_UploadsAndDownloads200MiBInParallelParts_ByteForByte()
    {
        const long size = 200L * RandomData.MiB;
        const long partSize = 8L * RandomData.MiB;
        var work = Directory.CreateTempSubdirectory("coffer-tu-").FullName;
        try
        {
            await using var server = await CofferServer.StartAsync();
            using var client = SdkClients.Create(server);
            await client.PutBucketAsync(new PutBucketRequest { BucketName = "transfer" });
            var source = Path.Combine(work, "source.bin");
            var sourceHash = await RandomData.WriteFileAsync(source, size);
            using var transfer = new TransferUtility(client, new TransferUtilityConfig { ConcurrentServiceRequests = 8 });

            await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = "transfer", Key = "big/200MiB.bin", FilePath = source, PartSize = partSize });

            var head = await client.GetObjectMetadataAsync("transfer", "big/200MiB.bin");
            Assert.Equal(size, head.ContentLength);
            Assert.EndsWith($"-{size / partSize}\"", head.ETag, StringComparison.Ordinal);
            Assert.Empty((await client.ListMultipartUploadsAsync("transfer")).MultipartUploads ?? []);
            File.Delete(source);

            var downloaded = Path.Combine(work, "downloaded.bin");
            await transfer.DownloadWithResponseAsync(new TransferUtilityDownloadRequest
            {
                BucketName = "transfer",
                Key = "big/200MiB.bin",
                FilePath = downloaded,
                MultipartDownloadType = MultipartDownloadType.PART,
            });

            Assert.Equal(size, new FileInfo(downloaded).Length);
            Assert.Equal(sourceHash, await RandomData.Sha256OfFileAsync(downloaded));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
