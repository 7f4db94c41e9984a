using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using Coffer.Protocol.Auth;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// Hostile or broken request bodies: payload hashes that lie, XML bombs, bodies cut short,
/// forged aws-chunked signatures and wrong trailing checksums. Nothing of such a body may
/// become visible, and no temporary or orphaned file may be left behind.
/// </summary>
public sealed class HostileBodyTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>, IAsyncLifetime
{
    private const string Trailer = "x-amz-checksum-crc32";

    private readonly HttpClient _http = fixture.Http;
    private string _bucket = null!;

    public async Task InitializeAsync() => _bucket = await fixture.CreateBucketAsync("bodies");

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(10)]
    [InlineData(3 * 1024 * 1024)]
    public async Task PutObject_WhoseBodyDoesNotMatchItsContentSha256_FailsWithXAmzContentSHA256MismatchAndStoresNothing(int size)
    {
        var blobsBefore = BlobFiles();
        var body = RandomNumberGenerator.GetBytes(size);
        var claimed = SigV4.HexSha256(RandomNumberGenerator.GetBytes(size));

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Put, $"/{_bucket}/lying-hash", body, payloadHash: claimed));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "XAmzContentSHA256Mismatch");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "lying-hash"));
        await AssertNoFilesLeftAsync(blobsBefore);
    }

    [Fact]
    public async Task PutObject_WhoseBodyDoesNotMatchItsContentSha256_LeavesThePreviousVersion()
    {
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "kept", ContentBody = "previous" });

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Put, $"/{_bucket}/kept", "replacement"u8.ToArray(), payloadHash: SigV4.HexSha256("something else")));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "XAmzContentSHA256Mismatch");
        using var get = await fixture.Client.GetObjectAsync(_bucket, "kept");
        Assert.Equal("previous", await SdkObjectTests.ReadTextAsync(get));
    }

    [Fact]
    public async Task PutObject_WithAContentSha256ThatIsNotAHash_FailsWithInvalidArgument()
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Put, $"/{_bucket}/not-a-hash", "x"u8.ToArray(), payloadHash: "not-a-sha256"));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "not-a-hash"));
    }

    [Theory]
    [InlineData("<Delete><Object><Key>a</Key></Object>")]
    [InlineData("<Delete><Object><Key>a</Key></Objekt></Delete>")]
    [InlineData("not xml at all")]
    [InlineData("")]
    [InlineData("<Remove><Object><Key>a</Key></Object></Remove>")]
    [InlineData("<Delete></Delete>")]
    [InlineData("<?xml version=\"1.0\"?><Delete><Object><Key>a</Key></Object></Delete><Delete/>")]
    public async Task DeleteObjects_WithMalformedXml_FailsWithMalformedXmlAndDeletesNothing(string xml)
    {
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "a", ContentBody = "a" });

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Post, $"/{_bucket}?delete", Encoding.UTF8.GetBytes(xml), WithContentMd5));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "MalformedXML");
        Assert.True(await fixture.ObjectExistsAsync(_bucket, "a"));
    }

    [Fact]
    public async Task DeleteObjects_WithABillionLaughsDocument_FailsWithMalformedXmlQuickly()
    {
        var xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        xml.Append("<!ENTITY lol1 \"").Append(string.Concat(Enumerable.Repeat("&lol;", 10))).Append("\">\n");
        for (var i = 2; i <= 9; i++)
        {
            xml.Append($"<!ENTITY lol{i} \"").Append(string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))).Append("\">\n");
        }

        xml.Append("]>\n<Delete><Object><Key>&lol9;</Key></Object></Delete>");
        var watch = Stopwatch.StartNew();

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Post, $"/{_bucket}?delete", Encoding.UTF8.GetBytes(xml.ToString()), WithContentMd5));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "MalformedXML");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task DeleteObjects_WithAnExternalEntity_FailsWithMalformedXmlAndLeaksNothing()
    {
        const string Xml = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><Delete><Object><Key>&xxe;</Key></Object></Delete>";

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Post, $"/{_bucket}?delete", Encoding.UTF8.GetBytes(Xml), WithContentMd5));

        var error = await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "MalformedXML");
        Assert.DoesNotContain("root:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteObjects_With1001Keys_FailsWithMalformedXmlAndDeletesNothing()
    {
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "k0000", ContentBody = "k" });
        var xml = "<Delete>" + string.Concat(Enumerable.Range(0, 1001).Select(i => $"<Object><Key>k{i:D4}</Key></Object>")) + "</Delete>";

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Post, $"/{_bucket}?delete", Encoding.UTF8.GetBytes(xml), WithContentMd5));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "MalformedXML");
        Assert.True(await fixture.ObjectExistsAsync(_bucket, "k0000"));
    }

    [Fact]
    public async Task DeleteObjects_WithAWrongContentMd5_FailsWithBadDigestAndDeletesNothing()
    {
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "md5-guarded", ContentBody = "k" });
        var xml = Encoding.UTF8.GetBytes("<Delete><Object><Key>md5-guarded</Key></Object></Delete>");

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Post, $"/{_bucket}?delete", xml, r =>
        {
            r.Content!.Headers.ContentMD5 = MD5.HashData("<Delete><Object><Key>other</Key></Object></Delete>"u8);
        }));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "BadDigest");
        Assert.True(await fixture.ObjectExistsAsync(_bucket, "md5-guarded"));
    }

    [Theory]
    [InlineData(1000, 100)]
    [InlineData(5 * 1024 * 1024, 2 * 1024 * 1024)]
    public async Task PutObject_WhoseBodyIsCutShort_LeavesNoObjectAndNoFiles(int declared, int sent)
    {
        var blobsBefore = BlobFiles();
        var request = fixture.Signed(HttpMethod.Put, $"/{_bucket}/cut-short-{declared}", payloadHash: SigV4.UnsignedPayload);

        await RawHttp.SendAndAbandonAsync(fixture.Endpoint, RawHttp.Head(request, declared), RandomNumberGenerator.GetBytes(sent));

        // The server notices the disconnect asynchronously; give it a moment, then insist.
        await Task.Delay(300);
        Assert.False(await fixture.ObjectExistsAsync(_bucket, $"cut-short-{declared}"));
        await AssertNoFilesLeftAsync(blobsBefore);
        var listed = await fixture.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = "cut-short" });
        Assert.Empty(listed.S3Objects ?? []);
    }

    [Fact]
    public async Task SignedChunkedUpload_WithValidChunkSignatures_StoresTheDecodedBody()
    {
        var data = RandomNumberGenerator.GetBytes((150 * 1024) + 7);

        using var response = await SendSignedChunkedAsync("chunked-ok", data, forgeChunk: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var get = await fixture.Client.GetObjectAsync(_bucket, "chunked-ok");
        Assert.Equal(data, await SdkObjectTests.ReadAllAsync(get));
        Assert.Null(get.Headers.ContentEncoding);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SignedChunkedUpload_WithAForgedChunkSignature_FailsWithSignatureDoesNotMatchAndStoresNothing(int forgedChunk)
    {
        var blobsBefore = BlobFiles();
        var data = RandomNumberGenerator.GetBytes((150 * 1024) + 7);

        using var response = await SendSignedChunkedAsync($"chunked-forged-{forgedChunk}", data, forgedChunk);

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, $"chunked-forged-{forgedChunk}"));
        await AssertNoFilesLeftAsync(blobsBefore);
    }

    [Fact]
    public async Task SignedChunkedUpload_WithChunksReordered_FailsWithSignatureDoesNotMatch()
    {
        var data = RandomNumberGenerator.GetBytes(128 * 1024);
        var swapped = data[(64 * 1024)..].Concat(data[..(64 * 1024)]).ToArray();
        var request = ChunkedRequest("chunked-swapped", data.Length, SigV4.StreamingSigned);

        // Signed in the real order; the two halves are then sent swapped under the same signatures.
        var body = AwsChunkedBody.Signed(request, CofferServer.SecretKey, data, 64 * 1024);
        request.Content = new ByteArrayContent(ReplaceChunkData(body, swapped));
        request.Content.Headers.ContentEncoding.Add("aws-chunked");

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "chunked-swapped"));
    }

    [Fact]
    public async Task SignedChunkedUploadWithTrailer_WithAForgedTrailerSignature_FailsWithSignatureDoesNotMatch()
    {
        var data = RandomNumberGenerator.GetBytes(70 * 1024);
        var request = ChunkedRequest("trailer-forged", data.Length, SigV4.StreamingSignedTrailer, r => r.Headers.TryAddWithoutValidation("x-amz-trailer", Trailer));
        request.Content = new ByteArrayContent(AwsChunkedBody.Signed(request, CofferServer.SecretKey, data, 64 * 1024, trailer: (Trailer, ChecksumOracle.Compute("CRC32", data)), forgeTrailer: true));
        request.Content.Headers.ContentEncoding.Add("aws-chunked");

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "trailer-forged"));
    }

    [Fact]
    public async Task SignedChunkedUploadWithTrailer_WithValidSignatures_StoresTheBodyAndChecksum()
    {
        var data = RandomNumberGenerator.GetBytes(70 * 1024);
        var crc = ChecksumOracle.Compute("CRC32", data);
        var request = ChunkedRequest("trailer-signed", data.Length, SigV4.StreamingSignedTrailer, r => r.Headers.TryAddWithoutValidation("x-amz-trailer", Trailer));
        request.Content = new ByteArrayContent(AwsChunkedBody.Signed(request, CofferServer.SecretKey, data, 64 * 1024, trailer: (Trailer, crc)));
        request.Content.Headers.ContentEncoding.Add("aws-chunked");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(crc, response.Headers.GetValues("x-amz-checksum-crc32").Single());
    }

    [Theory]
    [InlineData("x-amz-checksum-crc32", "CRC32")]
    [InlineData("x-amz-checksum-crc32c", "CRC32C")]
    [InlineData("x-amz-checksum-crc64nvme", "CRC64NVME")]
    [InlineData("x-amz-checksum-sha1", "SHA1")]
    [InlineData("x-amz-checksum-sha256", "SHA256")]
    public async Task UnsignedTrailerUpload_WithTheRightChecksum_StoresTheBodyAndChecksum(string trailer, string algorithm)
    {
        var data = RandomNumberGenerator.GetBytes(100 * 1024);
        var value = ChecksumOracle.Compute(algorithm, data);

        using var response = await SendUnsignedTrailerAsync($"trailer-{algorithm}", data, trailer, value);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var head = await fixture.Http.SendAsync(fixture.Signed(HttpMethod.Head, $"/{_bucket}/trailer-{algorithm}", configure: r => r.Headers.TryAddWithoutValidation("x-amz-checksum-mode", "ENABLED")));
        Assert.Equal(value, head.Headers.GetValues(trailer).Single());
        using var get = await fixture.Client.GetObjectAsync(_bucket, $"trailer-{algorithm}");
        Assert.Equal(data, await SdkObjectTests.ReadAllAsync(get));
    }

    [Fact]
    public async Task UnsignedTrailerUpload_WithAWrongCrc32_FailsWithBadDigestAndStoresNothing()
    {
        var blobsBefore = BlobFiles();
        var data = RandomNumberGenerator.GetBytes(100 * 1024);

        using var response = await SendUnsignedTrailerAsync("trailer-wrong", data, Trailer, ChecksumOracle.Compute("CRC32", "other data"u8));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "BadDigest");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "trailer-wrong"));
        await AssertNoFilesLeftAsync(blobsBefore);
    }

    [Fact]
    public async Task UnsignedTrailerUpload_WithAWrongCrc32_LeavesThePreviousVersion()
    {
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "trailer-kept", ContentBody = "previous" });

        using var response = await SendUnsignedTrailerAsync("trailer-kept", "replacement"u8.ToArray(), Trailer, ChecksumOracle.Compute("CRC32", "other data"u8));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "BadDigest");
        using var get = await fixture.Client.GetObjectAsync(_bucket, "trailer-kept");
        Assert.Equal("previous", await SdkObjectTests.ReadTextAsync(get));
    }

    [Fact]
    public async Task UnsignedTrailerUpload_WithoutTheAnnouncedTrailer_FailsAndStoresNothing()
    {
        var data = RandomNumberGenerator.GetBytes(1000);
        var request = ChunkedRequest("trailer-missing", data.Length, SigV4.StreamingUnsignedTrailer, r => r.Headers.TryAddWithoutValidation("x-amz-trailer", Trailer));
        var body = Encoding.ASCII.GetBytes("3e8\r\n").Concat(data).Concat("\r\n0\r\n\r\n"u8.ToArray()).ToArray();
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentEncoding.Add("aws-chunked");

        using var response = await _http.SendAsync(request);

        var error = await ErrorOfAnyClientKindAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEqual("BadDigest", error.Element("Code")?.Value);
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "trailer-missing"));
    }

    [Fact]
    public async Task PutObject_WithoutContentLength_FailsWithMissingContentLength()
    {
        var request = fixture.Signed(HttpMethod.Put, $"/{_bucket}/no-length", payloadHash: SigV4.UnsignedPayload);
        request.Content = new StreamContent(new MemoryStream("streamed without a length"u8.ToArray()));
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.LengthRequired, "MissingContentLength");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "no-length"));
    }

    [Fact]
    public async Task ChunkedUpload_WhoseDecodedLengthIsWrong_FailsAndStoresNothing()
    {
        var data = RandomNumberGenerator.GetBytes(1000);
        var request = ChunkedRequest("wrong-length", data.Length + 1, SigV4.StreamingSigned);
        request.Content = new ByteArrayContent(AwsChunkedBody.Signed(request, CofferServer.SecretKey, data, 64 * 1024));
        request.Content.Headers.ContentEncoding.Add("aws-chunked");

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "IncompleteBody");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "wrong-length"));
    }

    [Theory]
    [InlineData("zz;chunk-signature=00\r\nabc\r\n0;chunk-signature=00\r\n\r\n")]
    [InlineData("3\r\nabc\r\n0\r\n\r\n")]
    [InlineData("3;chunk-signature=00\r\nabcdef")]
    [InlineData("1000000000;chunk-signature=00\r\n")]
    public async Task SignedChunkedUpload_WithBrokenFraming_FailsWithAClientErrorAndStoresNothing(string body)
    {
        var request = ChunkedRequest("broken-framing", 3, SigV4.StreamingSigned);
        request.Content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        request.Content.Headers.ContentEncoding.Add("aws-chunked");

        using var response = await _http.SendAsync(request);

        var error = await ErrorOfAnyClientKindAsync(response);
        Assert.Contains(error.Element("Code")!.Value, new[] { "InvalidRequest", "IncompleteBody", "SignatureDoesNotMatch", "InvalidChunkSizeError" });
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "broken-framing"));
    }

    private static async Task<System.Xml.Linq.XElement> ErrorOfAnyClientKindAsync(HttpResponseMessage response)
    {
        Assert.InRange((int)response.StatusCode, 400, 499);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Single(response.Headers.GetValues("x-amz-request-id"));
        return System.Xml.Linq.XDocument.Parse(body).Root!;
    }

    private static void WithContentMd5(HttpRequestMessage request) =>
        request.Content!.Headers.ContentMD5 = MD5.HashData(request.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult());

    private HttpRequestMessage ChunkedRequest(string key, long decodedLength, string payloadHash, Action<HttpRequestMessage>? configure = null) =>
        fixture.Signed(HttpMethod.Put, $"/{_bucket}/{key}", configure: r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-decoded-content-length", decodedLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
            configure?.Invoke(r);
        }, payloadHash: payloadHash);

    private Task<HttpResponseMessage> SendSignedChunkedAsync(string key, byte[] data, int? forgeChunk)
    {
        var request = ChunkedRequest(key, data.Length, SigV4.StreamingSigned);
        request.Content = new ByteArrayContent(AwsChunkedBody.Signed(request, CofferServer.SecretKey, data, 64 * 1024, forgeChunk));
        request.Content.Headers.ContentEncoding.Add("aws-chunked");
        return _http.SendAsync(request);
    }

    private Task<HttpResponseMessage> SendUnsignedTrailerAsync(string key, byte[] data, string trailer, string value)
    {
        var request = ChunkedRequest(key, data.Length, SigV4.StreamingUnsignedTrailer, r => r.Headers.TryAddWithoutValidation("x-amz-trailer", trailer));
        request.Content = new ByteArrayContent(AwsChunkedBody.UnsignedWithTrailer(data, 64 * 1024, trailer, value));
        request.Content.Headers.ContentEncoding.Add("aws-chunked");
        return _http.SendAsync(request);
    }

    /// <summary>The body with each chunk's data replaced by the same-sized slice of <paramref name="data"/>, signatures kept.</summary>
    private static byte[] ReplaceChunkData(byte[] body, byte[] data)
    {
        var result = (byte[])body.Clone();
        var position = 0;
        var offset = 0;
        while (true)
        {
            var lineEnd = result.AsSpan(position).IndexOf("\r\n"u8) + position;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(result, position, lineEnd - position).Split(';')[0], 16);
            if (size == 0)
            {
                return result;
            }

            data.AsSpan(offset, size).CopyTo(result.AsSpan(lineEnd + 2));
            offset += size;
            position = lineEnd + 2 + size + 2;
        }
    }

    private HashSet<string> BlobFiles() =>
        Directory.EnumerateFiles(Path.Combine(fixture.Server.DataDirectory, "blobs"), "*", SearchOption.AllDirectories).ToHashSet();

    /// <summary>No new blob and no temporary file: a refused upload leaves nothing on disk.</summary>
    private async Task AssertNoFilesLeftAsync(HashSet<string> blobsBefore)
    {
        var tmp = Path.Combine(fixture.Server.DataDirectory, "tmp");
        for (var attempt = 0; ; attempt++)
        {
            var newBlobs = BlobFiles().Except(blobsBefore).ToList();
            var temporary = Directory.EnumerateFiles(tmp).ToList();
            if (newBlobs.Count == 0 && temporary.Count == 0)
            {
                return;
            }

            if (attempt == 20)
            {
                Assert.Fail($"left behind: {string.Join(", ", newBlobs.Concat(temporary))}");
            }

            await Task.Delay(100);
        }
    }
}
