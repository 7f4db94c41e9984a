using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>PutObject, GetObject, HeadObject and DeleteObject through the AWS SDK for .NET.</summary>
public sealed class SdkObjectTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private readonly AmazonS3Client _s3 = fixture.Client;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64 * 1024)]
    [InlineData((64 * 1024) + 1)]
    [InlineData((3 * 1024 * 1024) + 17)]
    public async Task PutObject_ThenGetObject_ReturnsTheSameBytesWithMd5ETag(int size)
    {
        var bucket = await fixture.CreateBucketAsync("roundtrip");
        var data = RandomNumberGenerator.GetBytes(size);
        var md5 = Convert.ToHexStringLower(MD5.HashData(data));

        var put = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "blob", InputStream = new MemoryStream(data) });
        using var get = await _s3.GetObjectAsync(bucket, "blob");

        Assert.Equal($"\"{md5}\"", put.ETag);
        Assert.Equal($"\"{md5}\"", get.ETag);
        Assert.Equal(size, get.ContentLength);
        Assert.Equal(data, await ReadAllAsync(get));
    }

    [Fact]
    public async Task PutObject_OverAnExistingKey_ReplacesTheContent()
    {
        var bucket = await fixture.CreateBucketAsync("replace");
        await PutTextAsync(bucket, "k", "first version, rather longer");

        await PutTextAsync(bucket, "k", "second");

        Assert.Equal("second", await GetTextAsync(bucket, "k"));
    }

    [Fact]
    public async Task GetObject_MissingKey_FailsWithNoSuchKey()
    {
        var bucket = await fixture.CreateBucketAsync("nokey");

        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchKey", () => _s3.GetObjectAsync(bucket, "absent"));
    }

    [Fact]
    public async Task HeadObject_MissingKey_Returns404()
    {
        var bucket = await fixture.CreateBucketAsync("nokey");

        await S3Assert.FailsWithStatusAsync(HttpStatusCode.NotFound, () => _s3.GetObjectMetadataAsync(bucket, "absent"));
    }

    [Fact]
    public async Task HeadObject_ReturnsLengthETagLastModifiedAndType()
    {
        var bucket = await fixture.CreateBucketAsync("head");
        var before = DateTime.UtcNow.AddSeconds(-5);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc.json", ContentBody = "{\"a\":1}", ContentType = "application/json" });

        var head = await _s3.GetObjectMetadataAsync(bucket, "doc.json");

        Assert.Equal(7, head.ContentLength);
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData("{\"a\":1}"u8))}\"", head.ETag);
        Assert.Equal("application/json", head.Headers.ContentType);
        Assert.InRange(head.LastModified!.Value.ToUniversalTime(), before, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal("bytes", head.AcceptRanges);
    }

    [Fact]
    public async Task PutObject_WithoutContentType_IsServedAsBinaryOctetStream()
    {
        // The SDK always sends a Content-Type, so this one goes raw.
        var bucket = await fixture.CreateBucketAsync("notype");
        using var put = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/k", [1, 2, 3]);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var head = await _s3.GetObjectMetadataAsync(bucket, "k");

        Assert.Equal("binary/octet-stream", head.Headers.ContentType);
    }

    [Fact]
    public async Task PutObject_UserMetadataAndStandardHeaders_RoundTripOnGetAndHead()
    {
        var bucket = await fixture.CreateBucketAsync("meta");
        var expires = new DateTime(2031, 4, 5, 6, 7, 8, DateTimeKind.Utc);
        var gzipped = Gzip("compressed text");
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = "report.txt.gz",
            InputStream = new MemoryStream(gzipped),
            ContentType = "text/plain; charset=utf-8",
        };
        request.Metadata.Add("Color", "blue");
        request.Metadata.Add("x-amz-meta-project", "coffer s3");
        request.Headers.ContentEncoding = "gzip";
        request.Headers.ContentDisposition = "attachment; filename=\"report.txt\"";
        request.Headers.ContentLanguage = "en-GB";
        request.Headers.CacheControl = "max-age=3600, private";
        request.Headers.Expires = expires;
        await _s3.PutObjectAsync(request);

        using var get = await _s3.GetObjectAsync(bucket, "report.txt.gz");
        var head = await _s3.GetObjectMetadataAsync(bucket, "report.txt.gz");

        Assert.Equal(gzipped, await ReadAllAsync(get));
        foreach (var (metadata, headers) in new[] { (get.Metadata, get.Headers), (head.Metadata, head.Headers) })
        {
            Assert.Equal("blue", metadata["color"]);
            Assert.Equal("coffer s3", metadata["project"]);
            Assert.Equal(2, metadata.Count);
            Assert.Equal("text/plain; charset=utf-8", headers.ContentType);
            Assert.Equal("gzip", headers.ContentEncoding);
            Assert.Equal("attachment; filename=\"report.txt\"", headers.ContentDisposition);
            Assert.Equal("en-GB", headers.ContentLanguage);
            Assert.Equal("max-age=3600, private", headers.CacheControl);
        }

        Assert.Equal(expires, DateTime.Parse(get.ExpiresString!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
        Assert.Equal(expires, DateTime.Parse(head.ExpiresString!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
    }

    [Theory]
    [InlineData("plain.txt")]
    [InlineData("with space/and more spaces .txt")]
    [InlineData("ünïcødé/日本語/файл 😀.txt")]
    [InlineData("../../etc/passwd")]
    [InlineData("a/./b/../c")]
    [InlineData("sym+bols=&?#%;:@$,'!()*[]{}~^`|\"<>\\")]
    [InlineData("double//slash//inside/")]
    [InlineData("trailing.")]
    [InlineData("%2F already %41 escaped")]
    public async Task PutObject_WithUnusualKey_IsStoredListedAndReadUnderExactlyThatKey(string key)
    {
        var bucket = await fixture.CreateBucketAsync("keys");

        await PutTextAsync(bucket, key, "content of " + key);

        Assert.Equal("content of " + key, await GetTextAsync(bucket, key));
        var listed = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(key, Assert.Single(listed.S3Objects ?? []).Key);
        await _s3.DeleteObjectAsync(bucket, key);
        Assert.False(await fixture.ObjectExistsAsync(bucket, key));
    }

    [Theory]
    [InlineData('a', 1024)]
    [InlineData('日', 341)]
    public async Task PutObject_WithKeyOfExactly1024Bytes_Succeeds(char unit, int count)
    {
        var bucket = await fixture.CreateBucketAsync("longkey");
        var key = new string(unit, count);
        key += new string('b', 1024 - Encoding.UTF8.GetByteCount(key));

        await PutTextAsync(bucket, key, "long");

        Assert.Equal("long", await GetTextAsync(bucket, key));
    }

    [Fact]
    public async Task PutObject_WithKeyOf1025Bytes_FailsWithKeyTooLongError()
    {
        var bucket = await fixture.CreateBucketAsync("longkey");

        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "KeyTooLongError", () => PutTextAsync(bucket, new string('k', 1025), "x"));
    }

    [Fact]
    public async Task GetObject_WithRange_ReturnsPartialContent()
    {
        var bucket = await fixture.CreateBucketAsync("range");
        await PutTextAsync(bucket, "digits", "0123456789");

        using var middle = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "digits", ByteRange = new ByteRange(2, 5) });
        using var suffix = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "digits", ByteRange = new ByteRange("bytes=-3") });
        using var open = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "digits", ByteRange = new ByteRange("bytes=7-") });
        using var clipped = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "digits", ByteRange = new ByteRange(8, 100) });

        Assert.Equal(HttpStatusCode.PartialContent, middle.HttpStatusCode);
        Assert.Equal("bytes 2-5/10", middle.ContentRange);
        Assert.Equal("2345", await ReadTextAsync(middle));
        Assert.Equal("789", await ReadTextAsync(suffix));
        Assert.Equal("bytes 7-9/10", open.ContentRange);
        Assert.Equal("789", await ReadTextAsync(open));
        Assert.Equal("bytes 8-9/10", clipped.ContentRange);
        Assert.Equal("89", await ReadTextAsync(clipped));
    }

    [Fact]
    public async Task GetObject_WithRangeBeyondTheEnd_FailsWithInvalidRange()
    {
        var bucket = await fixture.CreateBucketAsync("range");
        await PutTextAsync(bucket, "digits", "0123456789");

        await S3Assert.FailsAsync(HttpStatusCode.RequestedRangeNotSatisfiable, "InvalidRange", () =>
            _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "digits", ByteRange = new ByteRange(10, 20) }));
    }

    [Fact]
    public async Task GetObject_PartNumberOne_ReturnsTheWholeObject()
    {
        var bucket = await fixture.CreateBucketAsync("part");
        await PutTextAsync(bucket, "k", "whole object");

        using var get = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", PartNumber = 1 });

        Assert.Equal("whole object", await ReadTextAsync(get));
    }

    [Fact]
    public async Task GetObject_IfMatchWithAnotherETag_FailsWithPreconditionFailed()
    {
        var bucket = await fixture.CreateBucketAsync("cond");
        await PutTextAsync(bucket, "k", "v");

        await S3Assert.FailsAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed", () =>
            _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = "\"0123456789abcdef0123456789abcdef\"" }));
    }

    [Fact]
    public async Task GetObject_IfMatchWithTheCurrentETag_ReturnsTheObject()
    {
        var bucket = await fixture.CreateBucketAsync("cond");
        var put = await PutTextAsync(bucket, "k", "v");

        using var get = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = put.ETag });

        Assert.Equal("v", await ReadTextAsync(get));
    }

    [Fact]
    public async Task GetObject_IfNoneMatchWithTheCurrentETag_ReturnsNotModified()
    {
        var bucket = await fixture.CreateBucketAsync("cond");
        var put = await PutTextAsync(bucket, "k", "v");

        await S3Assert.FailsWithStatusAsync(HttpStatusCode.NotModified, () =>
            _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToNotMatch = put.ETag }));
    }

    [Fact]
    public async Task GetObject_IfModifiedSinceAfterTheLastWrite_ReturnsNotModified()
    {
        var bucket = await fixture.CreateBucketAsync("cond");
        await PutTextAsync(bucket, "k", "v");

        await S3Assert.FailsWithStatusAsync(HttpStatusCode.NotModified, () =>
            _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ModifiedSinceDate = DateTime.UtcNow.AddHours(1) }));
    }

    [Fact]
    public async Task GetObject_IfUnmodifiedSinceBeforeTheLastWrite_FailsWithPreconditionFailed()
    {
        var bucket = await fixture.CreateBucketAsync("cond");
        await PutTextAsync(bucket, "k", "v");

        await S3Assert.FailsAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed", () =>
            _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", UnmodifiedSinceDate = DateTime.UtcNow.AddHours(-1) }));
    }

    [Fact]
    public async Task GetObject_IfMatchTrueAndIfUnmodifiedSinceFalse_ReturnsTheObjectAsS3Documents()
    {
        var bucket = await fixture.CreateBucketAsync("cond");
        var put = await PutTextAsync(bucket, "k", "v");

        using var get = await _s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            EtagToMatch = put.ETag,
            UnmodifiedSinceDate = DateTime.UtcNow.AddHours(-1),
        });

        Assert.Equal("v", await ReadTextAsync(get));
    }

    [Fact]
    public async Task GetObject_IfNoneMatchFalseAndIfModifiedSinceTrue_ReturnsNotModifiedAsS3Documents()
    {
        var bucket = await fixture.CreateBucketAsync("cond");
        var put = await PutTextAsync(bucket, "k", "v");

        await S3Assert.FailsWithStatusAsync(HttpStatusCode.NotModified, () => _s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            EtagToNotMatch = put.ETag,
            ModifiedSinceDate = DateTime.UtcNow.AddHours(-1),
        }));
    }

    [Fact]
    public async Task HeadObject_IfMatchWithAnotherETag_Returns412()
    {
        var bucket = await fixture.CreateBucketAsync("cond");
        await PutTextAsync(bucket, "k", "v");

        await S3Assert.FailsWithStatusAsync(HttpStatusCode.PreconditionFailed, () =>
            _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "k", EtagToMatch = "\"nope\"" }));
    }

    [Fact]
    public async Task GetObject_WithResponseHeaderOverrides_ReplacesTheStoredHeaders()
    {
        var bucket = await fixture.CreateBucketAsync("override");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "body", ContentType = "text/plain" });

        var request = new GetObjectRequest { BucketName = bucket, Key = "k" };
        request.ResponseHeaderOverrides.ContentType = "application/x-download";
        request.ResponseHeaderOverrides.ContentDisposition = "attachment; filename=\"k.bin\"";
        request.ResponseHeaderOverrides.ContentLanguage = "fr";
        request.ResponseHeaderOverrides.CacheControl = "no-cache";
        request.ResponseHeaderOverrides.Expires = "Thu, 01 Dec 1994 16:00:00 GMT";
        request.ResponseHeaderOverrides.ContentEncoding = "identity";
        using var get = await _s3.GetObjectAsync(request);

        Assert.Equal("application/x-download", get.Headers.ContentType);
        Assert.Equal("attachment; filename=\"k.bin\"", get.Headers.ContentDisposition);
        Assert.Equal("fr", get.Headers.ContentLanguage);
        Assert.Equal("no-cache", get.Headers.CacheControl);
        Assert.Equal("identity", get.Headers.ContentEncoding);
        Assert.Equal("Thu, 01 Dec 1994 16:00:00 GMT", get.ExpiresString);
        Assert.Equal("body", await ReadTextAsync(get));
    }

    [Fact]
    public async Task PutObject_IfNoneMatchStarOnANewKey_CreatesIt()
    {
        var bucket = await fixture.CreateBucketAsync("ifnone");

        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first", IfNoneMatch = "*" });

        Assert.Equal("first", await GetTextAsync(bucket, "k"));
    }

    [Fact]
    public async Task PutObject_IfNoneMatchStarOnAnExistingKey_FailsWithPreconditionFailedAndKeepsTheObject()
    {
        var bucket = await fixture.CreateBucketAsync("ifnone");
        await PutTextAsync(bucket, "k", "first");

        await S3Assert.FailsAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed", () =>
            _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second", IfNoneMatch = "*" }));

        Assert.Equal("first", await GetTextAsync(bucket, "k"));
    }

    [Fact]
    public async Task PutObject_WithTheRightContentMd5_Succeeds()
    {
        var bucket = await fixture.CreateBucketAsync("md5");
        var data = Encoding.UTF8.GetBytes("checked content");

        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            InputStream = new MemoryStream(data),
            MD5Digest = Convert.ToBase64String(MD5.HashData(data)),
        });

        Assert.Equal("checked content", await GetTextAsync(bucket, "k"));
    }

    [Fact]
    public async Task PutObject_WithAWrongContentMd5_FailsWithBadDigestAndStoresNothing()
    {
        var bucket = await fixture.CreateBucketAsync("md5");

        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "BadDigest", () => _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            InputStream = new MemoryStream(Encoding.UTF8.GetBytes("checked content")),
            MD5Digest = Convert.ToBase64String(MD5.HashData("other content"u8)),
        }));

        Assert.False(await fixture.ObjectExistsAsync(bucket, "k"));
    }

    [Fact]
    public async Task PutObject_WithAContentMd5ThatIsNotAnMd5_FailsWithInvalidDigest()
    {
        var bucket = await fixture.CreateBucketAsync("md5");

        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "InvalidDigest", () => _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            ContentBody = "x",
            MD5Digest = "bm90LWFuLW1kNQ==",
        }));
    }

    [Fact]
    public async Task DeleteObject_RemovesTheObject()
    {
        var bucket = await fixture.CreateBucketAsync("delete");
        await PutTextAsync(bucket, "k", "v");

        var response = await _s3.DeleteObjectAsync(bucket, "k");

        Assert.Equal(HttpStatusCode.NoContent, response.HttpStatusCode);
        Assert.False(await fixture.ObjectExistsAsync(bucket, "k"));
    }

    [Fact]
    public async Task DeleteObject_OnAMissingKey_SucceedsWith204()
    {
        var bucket = await fixture.CreateBucketAsync("delete");

        var response = await _s3.DeleteObjectAsync(bucket, "never-existed");

        Assert.Equal(HttpStatusCode.NoContent, response.HttpStatusCode);
    }

    [Fact]
    public async Task TransferUtility_UploadAndDownloadBelowThePartThreshold_UsesSinglePutObject()
    {
        var bucket = await fixture.CreateBucketAsync("transfer");
        var data = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var path = Path.Combine(Path.GetTempPath(), $"coffer-transfer-{Guid.NewGuid():N}.bin");
        using var transfer = new TransferUtility(_s3, new TransferUtilityConfig { MinSizeBeforePartUpload = 64L * 1024 * 1024 });
        try
        {
            await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = bucket, Key = "file.bin", InputStream = new MemoryStream(data) });
            await transfer.DownloadAsync(new TransferUtilityDownloadRequest { BucketName = bucket, Key = "file.bin", FilePath = path });

            Assert.Equal(data, await File.ReadAllBytesAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private Task<PutObjectResponse> PutTextAsync(string bucket, string key, string text) =>
        _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = text });

    private async Task<string> GetTextAsync(string bucket, string key)
    {
        using var response = await _s3.GetObjectAsync(bucket, key);
        return await ReadTextAsync(response);
    }

    internal static async Task<string> ReadTextAsync(GetObjectResponse response) =>
        Encoding.UTF8.GetString(await ReadAllAsync(response));

    internal static async Task<byte[]> ReadAllAsync(GetObjectResponse response)
    {
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }
}
