using System.Globalization;
using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Http;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// Hostile or broken requests sent raw: bad credentials, clocks, regions and headers, unknown
/// sub-resources and methods. Each must get a clean S3 error document with the right code and
/// status and a request id, never a 500.
/// </summary>
public sealed class HostileRequestTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>, IAsyncLifetime
{
    private readonly HttpClient _http = fixture.Http;
    private string _bucket = null!;

    public async Task InitializeAsync()
    {
        _bucket = await fixture.CreateBucketAsync("hostile");
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "existing", ContentBody = "existing content" });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/{bucket}")]
    [InlineData("GET", "/{bucket}/existing")]
    [InlineData("PUT", "/{bucket}/anonymous-upload")]
    [InlineData("DELETE", "/{bucket}/existing")]
    [InlineData("POST", "/{bucket}?delete")]
    public async Task Request_WithoutAuthorization_FailsWithAccessDenied(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(fixture.Endpoint, path.Replace("{bucket}", _bucket, StringComparison.Ordinal)));
        if (method is "PUT" or "POST")
        {
            request.Content = new ByteArrayContent("anonymous"u8.ToArray());
        }

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
        Assert.True(await fixture.ObjectExistsAsync(_bucket, "existing"));
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "anonymous-upload"));
    }

    [Fact]
    public async Task Request_WithAnUnknownAccessKey_FailsWithInvalidAccessKeyId()
    {
        var stranger = new SigV4Signer("AKIAUNKNOWNKEY000000", CofferServer.SecretKey, SdkServerFixture.Region);

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, $"/{_bucket}/existing", signer: stranger));

        var error = await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "InvalidAccessKeyId");
        Assert.Equal("AKIAUNKNOWNKEY000000", error.Element("AWSAccessKeyId")?.Value);
    }

    [Fact]
    public async Task Request_SignedWithTheWrongSecret_FailsWithSignatureDoesNotMatch()
    {
        var impostor = new SigV4Signer(CofferServer.AccessKey, "not-the-secret-key-0000000000000000000000", SdkServerFixture.Region);

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, $"/{_bucket}/existing", signer: impostor));

        var error = await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.DoesNotContain(CofferServer.SecretKey, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutObject_SignedWithTheWrongSecret_StoresNothing()
    {
        var impostor = new SigV4Signer(CofferServer.AccessKey, "not-the-secret-key-0000000000000000000000", SdkServerFixture.Region);

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Put, $"/{_bucket}/impostor", "payload"u8.ToArray(), signer: impostor));

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "impostor"));
    }

    [Fact]
    public async Task Request_WithASignedHeaderChangedInTransit_FailsWithSignatureDoesNotMatch()
    {
        var request = fixture.Signed(HttpMethod.Put, $"/{_bucket}/altered", "payload"u8.ToArray(), r => r.Headers.TryAddWithoutValidation("x-amz-meta-owner", "alice"));
        request.Headers.Remove("x-amz-meta-owner");
        request.Headers.TryAddWithoutValidation("x-amz-meta-owner", "mallory");

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "altered"));
    }

    [Theory]
    [InlineData(-20)]
    [InlineData(20)]
    public async Task Request_DatedTwentyMinutesOff_FailsWithRequestTimeTooSkewed(int minutes)
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, $"/{_bucket}/existing", now: DateTimeOffset.UtcNow.AddMinutes(minutes)));

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "RequestTimeTooSkewed");
    }

    [Fact]
    public async Task Request_DatedTenMinutesOff_IsWithinTheAllowedSkew()
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, $"/{_bucket}/existing", now: DateTimeOffset.UtcNow.AddMinutes(-10)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_SignedForAnotherRegion_FailsWithAuthorizationHeaderMalformed()
    {
        var elsewhere = new SigV4Signer(CofferServer.AccessKey, CofferServer.SecretKey, "eu-west-1");

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, $"/{_bucket}/existing", signer: elsewhere));

        var error = await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "AuthorizationHeaderMalformed");
        Assert.Equal("us-east-1", error.Element("Region")?.Value);
    }

    [Fact]
    public async Task Request_SignedForAnotherService_FailsWithAuthorizationHeaderMalformed()
    {
        // "iam" (and later "sts") go to their own front-ends on this port; any other service stays with S3.
        var sqs = new SigV4Signer(CofferServer.AccessKey, CofferServer.SecretKey, SdkServerFixture.Region, "sqs");

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, $"/{_bucket}/existing", signer: sqs));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "AuthorizationHeaderMalformed");
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 garbage")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIATESTROOT00000001/20200101/us-east-1/s3/aws4_request")]
    [InlineData("AWS4-HMAC-SHA256 Credential=short, SignedHeaders=host, Signature=00")]
    public async Task Request_WithAMalformedAuthorizationHeader_FailsWithAuthorizationHeaderMalformed(string authorization)
    {
        var request = fixture.Signed(HttpMethod.Get, $"/{_bucket}/existing");
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "AuthorizationHeaderMalformed");
    }

    [Fact]
    public async Task Request_WithAForgedSignatureVersion2_FailsWithSignatureDoesNotMatch()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Endpoint, $"/{_bucket}/existing"));
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS {CofferServer.AccessKey}:c2lnbmF0dXJlLXYy");
        request.Headers.TryAddWithoutValidation("Date", DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture));

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task Request_SignedWithSignatureVersion2_IsAccepted()
    {
        var date = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        var stringToSign = SigV2.StringToSign("GET", "", "", date, [], $"/{_bucket}/existing", QueryParameters.Parse(""));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Endpoint, $"/{_bucket}/existing"));
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS {CofferServer.AccessKey}:{SigV2.Signature(System.Text.Encoding.UTF8.GetBytes(CofferServer.SecretKey), stringToSign)}");
        request.Headers.TryAddWithoutValidation("Date", date);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithoutContentSha256Header_FailsWithInvalidRequest()
    {
        var request = fixture.Signed(HttpMethod.Get, $"/{_bucket}/existing");
        request.Headers.Remove("x-amz-content-sha256");

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidRequest");
    }

    [Fact]
    public async Task Request_WithAnUnreadableAmzDate_FailsWithAccessDenied()
    {
        var request = fixture.Signed(HttpMethod.Get, $"/{_bucket}/existing");
        request.Headers.Remove("x-amz-date");
        request.Headers.TryAddWithoutValidation("x-amz-date", "yesterday");

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
    }

    [Theory]
    [InlineData(17 * 1024)]
    [InlineData(48 * 1024)]
    public async Task Request_WithAHeaderSectionOver16KiB_FailsWithRequestHeaderSectionTooLarge(int size)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Endpoint, $"/{_bucket}/existing"));
        request.Headers.TryAddWithoutValidation("x-filler", new string('f', size));

        using var response = await _http.SendAsync(request);

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "RequestHeaderSectionTooLarge");
    }

    [Fact]
    public async Task SignedPutObject_WithAHeaderSectionOver16KiB_FailsWithRequestHeaderSectionTooLargeAndStoresNothing()
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Put, $"/{_bucket}/big-headers", "x"u8.ToArray(), r =>
        {
            for (var i = 0; i < 20; i++)
            {
                r.Headers.TryAddWithoutValidation($"x-filler-{i}", new string('f', 1000));
            }
        }));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "RequestHeaderSectionTooLarge");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "big-headers"));
    }

    [Fact]
    public async Task PutObject_WithUserMetadataOver2KB_FailsWithMetadataTooLargeAndStoresNothing()
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Put, $"/{_bucket}/fat-metadata", "x"u8.ToArray(), r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-meta-first", new string('a', 1500));
            r.Headers.TryAddWithoutValidation("x-amz-meta-second", new string('b', 600));
        }));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "MetadataTooLarge");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "fat-metadata"));
    }

    [Fact]
    public async Task PutObject_WithUserMetadataOfExactly2KB_Succeeds()
    {
        // Names (without the x-amz-meta- prefix) and values count, in UTF-8 bytes: 4 + 2044 = 2048.
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Put, $"/{_bucket}/full-metadata", "x"u8.ToArray(), r =>
            r.Headers.TryAddWithoutValidation("x-amz-meta-data", new string('a', 2044))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public async Task PutObject_DeclaringMoreThan5GiB_FailsWithEntityTooLargeWithoutReadingTheBody(int bodyBytes)
    {
        var request = fixture.Signed(HttpMethod.Put, $"/{_bucket}/huge", payloadHash: SigV4.UnsignedPayload);
        var head = RawHttp.Head(request, contentLength: (5L * 1024 * 1024 * 1024) + 1);

        var response = await RawHttp.SendAsync(fixture.Endpoint, head, new byte[bodyBytes]);

        using var message = response.ToHttpResponse();
        await S3Assert.ErrorAsync(message, HttpStatusCode.BadRequest, "EntityTooLarge");
        Assert.False(await fixture.ObjectExistsAsync(_bucket, "huge"));
    }

    [Theory]
    [InlineData("GET", "/{bucket}?cors")]
    [InlineData("PUT", "/{bucket}?replication")]
    [InlineData("DELETE", "/{bucket}/existing?acl")]
    [InlineData("GET", "/{bucket}/existing?policy")]
    [InlineData("PUT", "/{bucket}?notification")]
    [InlineData("GET", "/{bucket}?tagging")]
    [InlineData("GET", "/{bucket}/existing?lifecycle")]
    [InlineData("DELETE", "/{bucket}/existing?retention")]
    public async Task Request_ForAnUnimplementedSubresource_FailsWithNotImplemented(string method, string path)
    {
        using var response = await _http.SendAsync(fixture.Signed(new HttpMethod(method), path.Replace("{bucket}", _bucket, StringComparison.Ordinal)));

        await S3Assert.ErrorAsync(response, HttpStatusCode.NotImplemented, "NotImplemented");
        Assert.Equal("existing content", await ReadExistingAsync());
    }

    [Theory]
    [InlineData("PATCH", "/{bucket}/existing")]
    [InlineData("PATCH", "/{bucket}")]
    [InlineData("POST", "/{bucket}/existing")]
    [InlineData("PUT", "/")]
    [InlineData("DELETE", "/")]
    public async Task Request_WithAnUnsupportedMethod_FailsWithMethodNotAllowed(string method, string path)
    {
        using var response = await _http.SendAsync(fixture.Signed(new HttpMethod(method), path.Replace("{bucket}", _bucket, StringComparison.Ordinal), "x"u8.ToArray()));

        await S3Assert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
        Assert.Equal("existing content", await ReadExistingAsync());
    }

    [Theory]
    [InlineData("/{bucket}/bad%zzescape")]
    [InlineData("/{bucket}/truncated%4")]
    [InlineData("/{bucket}?list-type=2&prefix=%g0")]
    public async Task Request_WithBrokenPercentEncoding_FailsWithInvalidUri(string target)
    {
        // HttpClient would re-escape the stray '%', so this goes over a bare socket.
        var head = Encoding.ASCII.GetBytes($"GET {target.Replace("{bucket}", _bucket, StringComparison.Ordinal)} HTTP/1.1\r\nHost: 127.0.0.1:{fixture.Server.Port}\r\n\r\n");

        var response = await RawHttp.SendAsync(fixture.Endpoint, head, []);

        using var message = response.ToHttpResponse();
        await S3Assert.ErrorAsync(message, HttpStatusCode.BadRequest, "InvalidURI");
    }

    [Theory]
    [InlineData("/{bucket}/bad%C3%28utf8")]
    [InlineData("/{bucket}/%FF")]
    [InlineData("/{bucket}?list-type=2&prefix=%C3%28")]
    public async Task Request_WithPercentEncodedInvalidUtf8_FailsWithInvalidUri(string target)
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, target.Replace("{bucket}", _bucket, StringComparison.Ordinal)));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidURI");
    }

    [Fact]
    public async Task CopyObject_FromACopySourceThatIsNotUtf8_FailsWithInvalidArgument()
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Put, $"/{_bucket}/copy", configure: r =>
            r.Headers.TryAddWithoutValidation("x-amz-copy-source", $"/{_bucket}/bad%C3%28utf8")));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Theory]
    [InlineData("/{bucket}/missing")]
    [InlineData("/no-such-bucket-here")]
    [InlineData("/no-such-bucket-here/key")]
    public async Task Head_OnSomethingMissing_Returns404WithARequestIdAndNoBody(string path)
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Head, path.Replace("{bucket}", _bucket, StringComparison.Ordinal)));

        await S3Assert.HeadErrorAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Head_WithoutAuthorization_Returns403WithNoBody()
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(fixture.Endpoint, $"/{_bucket}/existing")));

        await S3Assert.HeadErrorAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Head_WithAWrongSignature_Returns403WithNoBody()
    {
        var impostor = new SigV4Signer(CofferServer.AccessKey, "not-the-secret-key-0000000000000000000000", SdkServerFixture.Region);

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Head, $"/{_bucket}/existing", signer: impostor));

        await S3Assert.HeadErrorAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Head_WithAnUnsatisfiableRange_Returns416WithNoBody()
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Head, $"/{_bucket}/existing", configure: r => r.Headers.TryAddWithoutValidation("Range", "bytes=1000-2000")));

        await S3Assert.HeadErrorAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable);
    }

    [Theory]
    [InlineData("bytes=abc")]
    [InlineData("bytes=5-2")]
    [InlineData("bytes=0-1,4-5")]
    [InlineData("lines=1-2")]
    public async Task Get_WithAnUnparsableRange_IgnoresItAndReturnsTheWholeObject(string range)
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, $"/{_bucket}/existing", configure: r => r.Headers.TryAddWithoutValidation("Range", range)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("existing content", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_WithARangeOnAnEmptyObject_FailsWithInvalidRange()
    {
        await fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "empty", InputStream = new MemoryStream() });

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, $"/{_bucket}/empty", configure: r => r.Headers.TryAddWithoutValidation("Range", "bytes=0-0")));

        await S3Assert.ErrorAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable, "InvalidRange");
        Assert.Equal("bytes */0", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task ListObjectsV2_WithAnInvalidMaxKeys_FailsWithInvalidArgument()
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, $"/{_bucket}?list-type=2&max-keys=lots"));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Fact]
    public async Task ListObjectsV2_WithAnUnknownEncodingType_FailsWithInvalidArgument()
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Get, $"/{_bucket}?list-type=2&encoding-type=base64"));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Fact]
    public async Task CopyObject_WithAMalformedCopySource_FailsWithInvalidArgument()
    {
        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Put, $"/{_bucket}/copy", configure: r => r.Headers.TryAddWithoutValidation("x-amz-copy-source", "just-a-bucket")));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Fact]
    public async Task CreateBucket_WithAnotherRegionsLocationConstraint_FailsWithAClientError()
    {
        var body = Encoding.UTF8.GetBytes("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");

        using var response = await _http.SendAsync(fixture.Signed(HttpMethod.Put, "/elsewhere-bucket", body));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidLocationConstraint");
        await S3Assert.FailsWithStatusAsync(HttpStatusCode.NotFound, () => fixture.Client.HeadBucketAsync(new HeadBucketRequest { BucketName = "elsewhere-bucket" }));
    }

    private async Task<string> ReadExistingAsync()
    {
        using var get = await fixture.Client.GetObjectAsync(_bucket, "existing");
        return await SdkObjectTests.ReadTextAsync(get);
    }
}
