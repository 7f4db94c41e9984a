using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// What multipart uploads leave in the data directory: every part is one blob file, and
/// replacing, leaving out, aborting or deleting removes exactly the files no longer needed.
/// </summary>
public sealed class MultipartPartFilesTests
{
    private const string Bucket = "parts";
    private const int FiveMiB = 5 * RandomData.MiB;

    [Fact]
    public async Task UploadPart_AgainWithTheSameNumber_ReplacesThePartAndDeletesItsFile()
    {
        await using var server = await CofferServer.StartAsync();
        using var client = await ClientWithBucketAsync(server);
        var old = RandomData.Bytes(FiveMiB, 1);
        var replacement = RandomData.Bytes(FiveMiB + 100, 2);
        var tail = RandomData.Bytes(10, 3);
        var uploadId = (await client.InitiateMultipartUploadAsync(Bucket, "replaced")).UploadId;

        var oldPart = await UploadPartAsync(client, "replaced", uploadId, 1, old);
        var tailPart = await UploadPartAsync(client, "replaced", uploadId, 2, tail);
        Assert.Equal(2, DataDirectory.BlobFileCount(server.DataDirectory));
        var newPart = await UploadPartAsync(client, "replaced", uploadId, 1, replacement);

        Assert.Equal(2, DataDirectory.BlobFileCount(server.DataDirectory));
        var listed = await client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = "replaced", UploadId = uploadId });
        Assert.Equal([1, 2], listed.Parts.Select(p => p.PartNumber ?? 0));
        Assert.Equal(newPart.ETag, listed.Parts[0].ETag);
        Assert.Equal(replacement.Length, listed.Parts[0].Size);

        var stale = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => CompleteAsync(client, "replaced", uploadId, new PartETag(oldPart), new PartETag(tailPart)));
        Assert.Equal("InvalidPart", stale.ErrorCode);
        await CompleteAsync(client, "replaced", uploadId, new PartETag(newPart), new PartETag(tailPart));

        byte[] expected = [.. replacement, .. tail];
        Assert.Equal(expected, await GetBytesAsync(client, "replaced"));
        Assert.Equal(2, DataDirectory.BlobFileCount(server.DataDirectory));
        Assert.Equal(0, DataDirectory.TemporaryFileCount(server.DataDirectory));
    }

    [Fact]
    public async Task CompleteMultipartUpload_DeletesTheFilesOfPartsItDoesNotName()
    {
        await using var server = await CofferServer.StartAsync();
        using var client = await ClientWithBucketAsync(server);
        byte[][] data = [RandomData.Bytes(FiveMiB, 10), RandomData.Bytes(1000, 11), RandomData.Bytes(2000, 12), RandomData.Bytes(FiveMiB, 13)];
        var uploadId = (await client.InitiateMultipartUploadAsync(Bucket, "chosen")).UploadId;
        var parts = new List<UploadPartResponse>();
        for (var i = 0; i < data.Length; i++)
        {
            parts.Add(await UploadPartAsync(client, "chosen", uploadId, i + 1, data[i]));
        }

        Assert.Equal(4, DataDirectory.BlobFileCount(server.DataDirectory));

        var completed = await CompleteAsync(client, "chosen", uploadId, new PartETag(parts[0]), new PartETag(parts[2]));

        Assert.Equal(RandomData.MultipartETag(data[0], data[2]), completed.ETag);
        Assert.Equal(2, DataDirectory.BlobFileCount(server.DataDirectory));
        byte[] expected = [.. data[0], .. data[2]];
        Assert.Equal(expected, await GetBytesAsync(client, "chosen"));

        // Overwriting and then deleting the object releases its part files too.
        await client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "chosen", InputStream = new MemoryStream(RandomData.Bytes(200_000, 14)) });
        Assert.Equal(1, DataDirectory.BlobFileCount(server.DataDirectory));
        await client.DeleteObjectAsync(Bucket, "chosen");
        Assert.Equal(0, DataDirectory.BlobFileCount(server.DataDirectory));
        Assert.Equal(0, DataDirectory.TemporaryFileCount(server.DataDirectory));
    }

    [Fact]
    public async Task CompleteMultipartUpload_OverAnEarlierMultipartObject_DeletesTheEarlierParts()
    {
        await using var server = await CofferServer.StartAsync();
        using var client = await ClientWithBucketAsync(server);
        await UploadWholeAsync(client, "layered", RandomData.Bytes(FiveMiB, 20), RandomData.Bytes(FiveMiB, 21), RandomData.Bytes(5, 22));
        Assert.Equal(3, DataDirectory.BlobFileCount(server.DataDirectory));

        byte[][] second = [RandomData.Bytes(FiveMiB, 23), RandomData.Bytes(50, 24)];
        await UploadWholeAsync(client, "layered", second);

        Assert.Equal(2, DataDirectory.BlobFileCount(server.DataDirectory));
        byte[] expected = [.. second[0], .. second[1]];
        Assert.Equal(expected, await GetBytesAsync(client, "layered"));
    }

    [Fact]
    public async Task AbortMultipartUpload_DeletesEveryPartFile()
    {
        await using var server = await CofferServer.StartAsync();
        using var client = await ClientWithBucketAsync(server);
        var uploadId = (await client.InitiateMultipartUploadAsync(Bucket, "aborted")).UploadId;
        for (var i = 1; i <= 3; i++)
        {
            await UploadPartAsync(client, "aborted", uploadId, i, RandomData.Bytes(RandomData.MiB, 30 + i));
        }

        var kept = (await client.InitiateMultipartUploadAsync(Bucket, "kept")).UploadId;
        await UploadPartAsync(client, "kept", kept, 1, RandomData.Bytes(1000, 40));
        Assert.Equal(4, DataDirectory.BlobFileCount(server.DataDirectory));

        await client.AbortMultipartUploadAsync(Bucket, "aborted", uploadId);

        Assert.Equal(1, DataDirectory.BlobFileCount(server.DataDirectory));
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = "aborted", UploadId = uploadId }));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        var remaining = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket });
        Assert.Equal(["kept"], remaining.MultipartUploads.Select(u => u.Key));
        Assert.Equal(0, DataDirectory.TemporaryFileCount(server.DataDirectory));
    }

    private static async Task<AmazonS3Client> ClientWithBucketAsync(CofferServer server)
    {
        var client = SdkClients.Create(server);
        await client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        return client;
    }

    private static Task<UploadPartResponse> UploadPartAsync(AmazonS3Client client, string key, string uploadId, int partNumber, byte[] data) =>
        client.UploadPartAsync(new UploadPartRequest { BucketName = Bucket, Key = key, UploadId = uploadId, PartNumber = partNumber, InputStream = new MemoryStream(data) });

    private static Task<CompleteMultipartUploadResponse> CompleteAsync(AmazonS3Client client, string key, string uploadId, params PartETag[] parts) =>
        client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = uploadId, PartETags = [.. parts] });

    private static async Task UploadWholeAsync(AmazonS3Client client, string key, params byte[][] parts)
    {
        var uploadId = (await client.InitiateMultipartUploadAsync(Bucket, key)).UploadId;
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            etags.Add(new PartETag(await UploadPartAsync(client, key, uploadId, i + 1, parts[i])));
        }

        await CompleteAsync(client, key, uploadId, [.. etags]);
    }

    private static async Task<byte[]> GetBytesAsync(AmazonS3Client client, string key)
    {
        using var response = await client.GetObjectAsync(Bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
