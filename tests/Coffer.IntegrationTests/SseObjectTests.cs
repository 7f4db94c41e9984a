using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// Objects encrypted at rest, through the AWS SDK for .NET: SSE-S3 by default, SSE-KMS with a
/// customer managed key, SSE-C with the right and the wrong key; no plaintext on disk; ranges
/// inside segments; a disabled KMS key makes its objects unreadable until it is enabled again.
/// </summary>
public sealed class SseObjectTests : IAsyncLifetime
{
    private const string Bucket = "sse";
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("SSE-PLAINTEXT-MARKER-6f1c");
    private static readonly byte[] CustomerKey = SHA256.HashData("sse-c test key"u8);

    private CofferServer _server = null!;
    private AmazonS3Client _s3 = null!;
    private KmsApiClient _kms = null!;

    public async Task InitializeAsync()
    {
        _server = await CofferServer.StartAsync(environment: new Dictionary<string, string> { ["COFFER_ALLOW_SSE_C_OVER_HTTP"] = "true" });
        _s3 = SdkClients.Create(_server, maxErrorRetry: 0);
        _kms = new KmsApiClient(_server.Endpoint);
        await _s3.PutBucketAsync(Bucket);
    }

    public async Task DisposeAsync()
    {
        _kms.Dispose();
        _s3.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(10)]
    [InlineData(200_000)]
    [InlineData(3_000_000)]
    public async Task Default_IsSseS3_WithNoPlaintextOnDisk(int length)
    {
        var content = Content(length);

        var put = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = $"default-{length}", InputStream = new MemoryStream(content) });
        using var get = await _s3.GetObjectAsync(Bucket, $"default-{length}");

        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
        Assert.Equal(ServerSideEncryptionMethod.AES256, get.ServerSideEncryptionMethod);
        Assert.Equal(content, await ReadAsync(get.ResponseStream));
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), put.ETag.Trim('"'));
        AssertNoMarkerOnDisk();
    }

    [Fact]
    public async Task Kms_WithACustomerKey_NamesItAndReadsBackRanges()
    {
        var keyArn = await CreateKmsKeyAsync();
        var content = Content(300_000);

        var put = await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "kms",
            InputStream = new MemoryStream(content),
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = keyArn,
        });
        using var range = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "kms", ByteRange = new ByteRange(65_530, 131_080) });
        var head = await _s3.GetObjectMetadataAsync(Bucket, "kms");

        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
        Assert.Equal(keyArn, put.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.Equal(content[65_530..131_081], await ReadAsync(range.ResponseStream));
        Assert.Equal(keyArn, head.ServerSideEncryptionKeyManagementServiceKeyId);
        AssertNoMarkerOnDisk();
    }

    [Fact]
    public async Task Kms_DisabledKey_MakesTheObjectUnreadableUntilEnabled()
    {
        var keyArn = await CreateKmsKeyAsync();
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "kms-disabled",
            ContentBody = "guarded",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = keyArn,
        });

        Assert.Equal(200, (await _kms.SendAsync("DisableKey", new { KeyId = keyArn })).Status);
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.GetObjectAsync(Bucket, "kms-disabled"));
        Assert.Equal(200, (await _kms.SendAsync("EnableKey", new { KeyId = keyArn })).Status);
        using var again = await _s3.GetObjectAsync(Bucket, "kms-disabled");

        Assert.Equal("KMS.DisabledException", error.ErrorCode);
        Assert.Equal("guarded", Encoding.UTF8.GetString(await ReadAsync(again.ResponseStream)));
    }

    [Fact]
    public async Task Kms_DisabledKey_RefusesAMultipartObjectWithKmsDisabled_NotAnInternalError()
    {
        var keyArn = await CreateKmsKeyAsync();
        var created = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = "mp-kms-disabled",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = keyArn,
        });
        var content = Content(100_000);
        var part = await _s3.UploadPartAsync(new UploadPartRequest { BucketName = Bucket, Key = "mp-kms-disabled", UploadId = created.UploadId, PartNumber = 1, InputStream = new MemoryStream(content) });
        await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = "mp-kms-disabled", UploadId = created.UploadId, PartETags = [new PartETag(1, part.ETag)] });

        Assert.Equal(200, (await _kms.SendAsync("DisableKey", new { KeyId = keyArn })).Status);
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.GetObjectAsync(Bucket, "mp-kms-disabled"));
        var copyError = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.CopyObjectAsync(Bucket, "mp-kms-disabled", Bucket, "mp-kms-disabled-copy"));
        Assert.Equal(200, (await _kms.SendAsync("EnableKey", new { KeyId = keyArn })).Status);
        using var again = await _s3.GetObjectAsync(Bucket, "mp-kms-disabled");

        Assert.Equal(("KMS.DisabledException", 400), (error.ErrorCode, (int)error.StatusCode));
        Assert.Equal("KMS.DisabledException", copyError.ErrorCode);
        Assert.Equal(content, await ReadAsync(again.ResponseStream));
    }

    [Fact]
    public async Task CustomerKey_RightKeyReads_WrongOrMissingKeyIsRefused()
    {
        var content = Content(100_000);
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "sse-c",
            InputStream = new MemoryStream(content),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(CustomerKey),
        });

        using var right = await _s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = Bucket,
            Key = "sse-c",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(CustomerKey),
        });
        var wrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = Bucket,
            Key = "sse-c",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(new byte[32]),
        }));
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.GetObjectAsync(Bucket, "sse-c"));

        Assert.Equal(content, await ReadAsync(right.ResponseStream));
        Assert.Equal(ServerSideEncryptionCustomerMethod.AES256, right.ServerSideEncryptionCustomerMethod);
        Assert.Equal(403, (int)wrong.StatusCode);
        Assert.Equal("InvalidRequest", missing.ErrorCode);
        AssertNoMarkerOnDisk();
    }

    [Fact]
    public async Task CopyObject_ReEncryptsUnderTheDestinationsSettings()
    {
        var keyArn = await CreateKmsKeyAsync();
        var content = Content(70_000);
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "copy-source",
            InputStream = new MemoryStream(content),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(CustomerKey),
        });

        var copy = await _s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = Bucket,
            SourceKey = "copy-source",
            DestinationBucket = Bucket,
            DestinationKey = "copy-destination",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(CustomerKey),
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = keyArn,
        });
        using var get = await _s3.GetObjectAsync(Bucket, "copy-destination");

        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, copy.ServerSideEncryptionMethod);
        Assert.Equal(keyArn, get.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.Equal(content, await ReadAsync(get.ResponseStream));
    }

    [Fact]
    public async Task Multipart_EachPartEncrypted_UnderTheUploadsChoice()
    {
        var keyArn = await CreateKmsKeyAsync();
        var parts = new[] { Content(5 * 1024 * 1024), Content(123_457) };
        var kms = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = "mp-kms",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = keyArn,
        });
        var customer = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = "mp-c",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(CustomerKey),
        });
        var kmsETags = new List<PartETag>();
        var customerETags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var kmsPart = await _s3.UploadPartAsync(new UploadPartRequest { BucketName = Bucket, Key = "mp-kms", UploadId = kms.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]) });
            kmsETags.Add(new PartETag(i + 1, kmsPart.ETag));
            var customerPart = await _s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = Bucket,
                Key = "mp-c",
                UploadId = customer.UploadId,
                PartNumber = i + 1,
                InputStream = new MemoryStream(parts[i]),
                ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
                ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(CustomerKey),
            });
            customerETags.Add(new PartETag(i + 1, customerPart.ETag));
        }

        // A part of an SSE-C upload without the upload's key is refused.
        var keyless = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.UploadPartAsync(new UploadPartRequest { BucketName = Bucket, Key = "mp-c", UploadId = customer.UploadId, PartNumber = 3, InputStream = new MemoryStream(parts[1]) }));

        // ... and a customer key on a part of an upload created without one is refused, not ignored.
        var unexpectedKey = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket,
            Key = "mp-kms",
            UploadId = kms.UploadId,
            PartNumber = 3,
            InputStream = new MemoryStream(parts[1]),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(CustomerKey),
        }));
        var completed = await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = "mp-kms", UploadId = kms.UploadId, PartETags = kmsETags });
        await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = "mp-c", UploadId = customer.UploadId, PartETags = customerETags });
        using var kmsGet = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "mp-kms", ByteRange = new ByteRange(parts[0].Length - 10, parts[0].Length + 70_000) });
        using var customerGet = await _s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = Bucket,
            Key = "mp-c",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(CustomerKey),
        });

        var whole = parts[0].Concat(parts[1]).ToArray();
        Assert.Equal("InvalidRequest", keyless.ErrorCode);
        Assert.Equal("InvalidRequest", unexpectedKey.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unexpectedKey.StatusCode);
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, completed.ServerSideEncryptionMethod);
        Assert.Equal(keyArn, kmsGet.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.Equal(whole[(parts[0].Length - 10)..(parts[0].Length + 70_001)], await ReadAsync(kmsGet.ResponseStream));
        Assert.Equal(whole, await ReadAsync(customerGet.ResponseStream));
        AssertNoMarkerOnDisk();
    }

    private async Task<string> CreateKmsKeyAsync()
    {
        var created = await _kms.SendAsync("CreateKey", new { Description = "sse test" });
        Assert.Equal(200, created.Status);
        return created.Body.GetProperty("KeyMetadata").GetProperty("Arn").GetString()!;
    }

    private static byte[] Content(int length)
    {
        var content = RandomNumberGenerator.GetBytes(length);
        for (var at = 0; at + Marker.Length <= length; at += 997)
        {
            Marker.CopyTo(content, at);
        }

        return content;
    }

    private static async Task<byte[]> ReadAsync(Stream stream)
    {
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private void AssertNoMarkerOnDisk()
    {
        foreach (var file in Directory.EnumerateFiles(_server.DataDirectory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                continue;
            }

            Assert.True(bytes.AsSpan().IndexOf(Marker) < 0, $"{file} holds plaintext");
        }
    }
}
