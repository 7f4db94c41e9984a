using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Coffer.Protocol.Auth;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Pre-signed URLs made by the AWS SDK (or by <see cref="SigV4Signer.Presign"/>) and fetched with a plain HttpClient.</summary>
public sealed class PresignedUrlTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private readonly AmazonS3Client _s3 = fixture.Client;
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task PresignedGet_ReturnsTheObject()
    {
        var bucket = await PutAsync("get", "dir/file name ü.txt", "presigned body");

        var url = await PresignAsync(bucket, "dir/file name ü.txt", HttpVerb.GET);
        using var response = await _http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("presigned body", await response.Content.ReadAsStringAsync());
        Assert.Contains("X-Amz-Signature=", url, StringComparison.Ordinal);
        Assert.DoesNotContain(CofferServer.SecretKey, url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PresignedGet_WithResponseHeaderOverrides_AppliesThem()
    {
        var bucket = await PutAsync("override", "k", "body");
        var request = new GetPreSignedUrlRequest { BucketName = bucket, Key = "k", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Amazon.S3.Protocol.HTTP };
        request.ResponseHeaderOverrides.ContentDisposition = "attachment; filename=\"download.txt\"";
        request.ResponseHeaderOverrides.ContentType = "application/x-download";

        using var response = await _http.GetAsync(await _s3.GetPreSignedURLAsync(request));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment; filename=\"download.txt\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("application/x-download", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PresignedPut_StoresTheBody()
    {
        var bucket = await fixture.CreateBucketAsync("put");

        var url = await PresignAsync(bucket, "uploaded.bin", HttpVerb.PUT);
        using var response = await _http.PutAsync(url, new ByteArrayContent(Encoding.UTF8.GetBytes("uploaded through a URL")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var get = await _s3.GetObjectAsync(bucket, "uploaded.bin");
        Assert.Equal("uploaded through a URL", await SdkObjectTests.ReadTextAsync(get));
    }

    [Fact]
    public async Task PresignedPut_WithASignedContentType_RejectsAnotherContentType()
    {
        var bucket = await fixture.CreateBucketAsync("puttype");
        var url = await _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = "typed",
            Verb = HttpVerb.PUT,
            ContentType = "text/plain",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Amazon.S3.Protocol.HTTP,
        });

        using var wrong = await _http.PutAsync(url, new StringContent("x", Encoding.UTF8, "text/html"));
        await S3Assert.ErrorAsync(wrong, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.False(await fixture.ObjectExistsAsync(bucket, "typed"));

        var content = new ByteArrayContent("x"u8.ToArray());
        content.Headers.ContentType = new("text/plain");
        using var right = await _http.PutAsync(url, content);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task PresignedHead_ReturnsTheHeadersWithoutABody()
    {
        var bucket = await PutAsync("head", "k", "twelve bytes");

        var url = await PresignAsync(bucket, "k", HttpVerb.HEAD);
        using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(12, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task PresignedHeadSignedByCofferSigner_ReturnsTheHeaders()
    {
        var bucket = await PutAsync("head2", "k", "twelve bytes");

        var url = fixture.Signer.Presign("HEAD", new Uri(fixture.Endpoint, $"/{bucket}/k"), TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow);
        using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(12, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task PresignedDelete_RemovesTheObject()
    {
        var bucket = await PutAsync("delete", "doomed", "x");

        var url = await PresignAsync(bucket, "doomed", HttpVerb.DELETE);
        using var response = await _http.DeleteAsync(url);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(await fixture.ObjectExistsAsync(bucket, "doomed"));
    }

    [Fact]
    public async Task PresignedGet_ForAMissingKey_FailsWithNoSuchKey()
    {
        var bucket = await fixture.CreateBucketAsync("missing");

        using var response = await _http.GetAsync(await PresignAsync(bucket, "absent", HttpVerb.GET));

        await S3Assert.ErrorAsync(response, HttpStatusCode.NotFound, "NoSuchKey");
    }

    [Fact]
    public async Task PresignedGet_UsedForDelete_FailsWithSignatureDoesNotMatchAndKeepsTheObject()
    {
        var bucket = await PutAsync("method", "k", "x");

        using var response = await _http.DeleteAsync(await PresignAsync(bucket, "k", HttpVerb.GET));

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.True(await fixture.ObjectExistsAsync(bucket, "k"));
    }

    [Fact]
    public async Task ExpiredUrl_FailsWithAccessDeniedRequestHasExpired()
    {
        var bucket = await PutAsync("expired", "k", "x");

        var url = fixture.Signer.Presign("GET", new Uri(fixture.Endpoint, $"/{bucket}/k"), TimeSpan.FromSeconds(60), DateTimeOffset.UtcNow.AddMinutes(-2));
        using var response = await _http.GetAsync(url);

        var error = await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
        Assert.Equal("Request has expired", error.Element("Message")?.Value);
    }

    [Fact]
    public async Task UrlSignedAMinuteAgo_WithinItsValidity_Works()
    {
        var bucket = await PutAsync("valid", "k", "still valid");

        var url = fixture.Signer.Presign("GET", new Uri(fixture.Endpoint, $"/{bucket}/k"), TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddMinutes(-1));
        using var response = await _http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("still valid", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UrlValidForExactlySevenDays_Works()
    {
        var bucket = await PutAsync("week", "k", "x");

        var url = fixture.Signer.Presign("GET", new Uri(fixture.Endpoint, $"/{bucket}/k"), TimeSpan.FromSeconds(604800), DateTimeOffset.UtcNow);
        using var response = await _http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UrlValidForMoreThanSevenDays_FailsWithAuthorizationQueryParametersError()
    {
        var bucket = await PutAsync("toolong", "k", "x");

        var url = fixture.Signer.Presign("GET", new Uri(fixture.Endpoint, $"/{bucket}/k"), TimeSpan.FromSeconds(604801), DateTimeOffset.UtcNow);
        using var response = await _http.GetAsync(url);

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "AuthorizationQueryParametersError");
    }

    [Theory]
    [InlineData("signature")]
    [InlineData("expires")]
    [InlineData("extra parameter")]
    [InlineData("other key")]
    [InlineData("date")]
    public async Task TamperedUrl_FailsWithSignatureDoesNotMatch(string tampering)
    {
        var bucket = await PutAsync("tamper", "k", "secret");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "other", ContentBody = "other secret" });
        var url = await PresignAsync(bucket, "k", HttpVerb.GET);

        var tampered = tampering switch
        {
            "signature" => url[..^1] + (url[^1] == '0' ? '1' : '0'),
            "expires" => System.Text.RegularExpressions.Regex.Replace(url, "X-Amz-Expires=(\\d+)", m => "X-Amz-Expires=" + (long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1)),
            "extra parameter" => url + "&response-content-type=text%2Fhtml",
            "other key" => url.Replace($"/{bucket}/k?", $"/{bucket}/other?", StringComparison.Ordinal),
            "date" => System.Text.RegularExpressions.Regex.Replace(url, "(X-Amz-Date=\\d{8}T\\d{4})(\\d\\d)", m => m.Groups[1].Value + (m.Groups[2].Value == "00" ? "01" : "00")),
            _ => throw new ArgumentOutOfRangeException(nameof(tampering)),
        };
        Assert.NotEqual(url, tampered);
        using var response = await _http.GetAsync(tampered);

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task UrlSignedWithAnUnknownAccessKey_FailsWithInvalidAccessKeyId()
    {
        var bucket = await PutAsync("unknown", "k", "x");
        var stranger = new SigV4Signer("AKIAUNKNOWNKEY000000", CofferServer.SecretKey, SdkServerFixture.Region);

        using var response = await _http.GetAsync(stranger.Presign("GET", new Uri(fixture.Endpoint, $"/{bucket}/k"), TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow));

        await S3Assert.ErrorAsync(response, HttpStatusCode.Forbidden, "InvalidAccessKeyId");
    }

    [Fact]
    public async Task VirtualHostedPresignedGet_ReturnsTheObject()
    {
        var bucket = await PutAsync("vhost", "k", "virtual");
        using var client = fixture.CreateClient(forcePathStyle: false, new RecordingHttpClientFactory(), serviceUrl: $"http://localhost:{fixture.Server.Port}");
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = RecordingHttpClientFactory.ConnectLoopbackAsync });

        var url = await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "k", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Amazon.S3.Protocol.HTTP });
        using var response = await http.GetAsync(url);

        Assert.StartsWith($"http://{bucket}.localhost:{fixture.Server.Port}/k?", url, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("virtual", await response.Content.ReadAsStringAsync());
    }

    private async Task<string> PutAsync(string purpose, string key, string body)
    {
        var bucket = await fixture.CreateBucketAsync(purpose);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body });
        return bucket;
    }

    // The SDK writes https:// into pre-signed URLs unless told the endpoint speaks plain HTTP.
    private Task<string> PresignAsync(string bucket, string key, HttpVerb verb) =>
        _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = key, Verb = verb, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Amazon.S3.Protocol.HTTP });
}
