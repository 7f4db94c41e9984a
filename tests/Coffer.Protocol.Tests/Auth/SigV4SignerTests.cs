using Coffer.Protocol.Auth;

namespace Coffer.Protocol.Tests.Auth;

/// <summary>The client-side signer reproduces the S3 examples it can express (host and x-amz-* headers signed).</summary>
public sealed class SigV4SignerTests
{
    private const string SessionToken = "FwoGZXIvYXdz+a/b==";

    private static readonly DateTimeOffset ExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    private readonly SigV4Signer _signer = new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");

    [Fact]
    public void Sign_GetBucketLifecycleExample_ProducesPublishedAuthorization()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/?lifecycle");

        _signer.Sign(request, SigV4.EmptySha256, ExampleTime);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            + "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
            Single(request, "Authorization"));
        Assert.Equal("20130524T000000Z", Single(request, "x-amz-date"));
        Assert.Equal(SigV4.EmptySha256, Single(request, "x-amz-content-sha256"));
    }

    [Fact]
    public void Sign_ListObjectsExample_ProducesPublishedSignature()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");

        _signer.Sign(request, SigV4.EmptySha256, ExampleTime);

        Assert.EndsWith(
            "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
            Single(request, "Authorization"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_SignsExtraAmzHeadersInSortedOrder()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:9000/bucket/key");
        request.Headers.TryAddWithoutValidation("x-amz-meta-Zeta", "  last   one ");
        request.Headers.TryAddWithoutValidation("X-Amz-Storage-Class", "STANDARD");

        _signer.Sign(request, SigV4.UnsignedPayload, ExampleTime);

        var expectedCanonical = SigV4.CanonicalRequest(
            "PUT",
            "/bucket/key",
            string.Empty,
            [
                new("host", "127.0.0.1:9000"),
                new("x-amz-content-sha256", SigV4.UnsignedPayload),
                new("x-amz-date", "20130524T000000Z"),
                new("x-amz-meta-zeta", "last one"),
                new("x-amz-storage-class", "STANDARD"),
            ],
            SigV4.UnsignedPayload);
        Assert.Equal(ExpectedAuthorization(expectedCanonical, "host;x-amz-content-sha256;x-amz-date;x-amz-meta-zeta;x-amz-storage-class"), Single(request, "Authorization"));
    }

    [Fact]
    public void Sign_EncodesTheKeyOnceWithSlashesKept()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost:9000/bucket/a%20b/c$d+e");

        _signer.Sign(request, SigV4.EmptySha256, ExampleTime);

        var expectedCanonical = SigV4.CanonicalRequest(
            "GET",
            "/bucket/a%20b/c%24d%2Be",
            string.Empty,
            [new("host", "localhost:9000"), new("x-amz-content-sha256", SigV4.EmptySha256), new("x-amz-date", "20130524T000000Z")],
            SigV4.EmptySha256);
        Assert.Equal(ExpectedAuthorization(expectedCanonical, "host;x-amz-content-sha256;x-amz-date"), Single(request, "Authorization"));
    }

    [Fact]
    public void Sign_Twice_LeavesOneSetOfSigningHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/?lifecycle");

        _signer.Sign(request, SigV4.EmptySha256, ExampleTime.AddDays(-1));
        _signer.Sign(request, SigV4.EmptySha256, ExampleTime);

        Assert.EndsWith(
            "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
            Single(request, "Authorization"),
            StringComparison.Ordinal);
        Assert.Equal("20130524T000000Z", Single(request, "x-amz-date"));
    }

    [Fact]
    public void Presign_PublishedExample_ProducesPublishedUrl()
    {
        var url = _signer.Presign("GET", new Uri("https://examplebucket.s3.amazonaws.com/test.txt"), TimeSpan.FromSeconds(86400), ExampleTime);

        Assert.Equal(
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
            url.AbsoluteUri);
    }

    [Fact]
    public void Presign_KeepsExistingQueryParametersInTheSignedQuery()
    {
        var url = _signer.Presign("GET", new Uri("http://localhost:9000/bucket/key?response-content-type=text%2Fplain"), TimeSpan.FromMinutes(5), ExampleTime);

        var canonicalQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&response-content-type=text%2Fplain";
        var canonical = SigV4.CanonicalRequest("GET", "/bucket/key", canonicalQuery, [new("host", "localhost:9000")], SigV4.UnsignedPayload);
        Assert.Equal("?" + canonicalQuery + "&X-Amz-Signature=" + ExpectedSignature(canonical), url.Query);
    }

    [Fact]
    public void Sign_WithSessionToken_AddsTheTokenHeaderAndSignsIt()
    {
        var signer = new SigV4Signer("ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", sessionToken: SessionToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost:9000/bucket/key");

        signer.Sign(request, SigV4.EmptySha256, ExampleTime);
        signer.Sign(request, SigV4.EmptySha256, ExampleTime);

        Assert.Equal(SessionToken, Single(request, "x-amz-security-token"));
        var expectedCanonical = SigV4.CanonicalRequest(
            "GET",
            "/bucket/key",
            string.Empty,
            [
                new("host", "localhost:9000"),
                new("x-amz-content-sha256", SigV4.EmptySha256),
                new("x-amz-date", "20130524T000000Z"),
                new("x-amz-security-token", SessionToken),
            ],
            SigV4.EmptySha256);
        Assert.Equal(
            ExpectedAuthorization(expectedCanonical, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token").Replace("AKIA", "ASIA", StringComparison.Ordinal),
            Single(request, "Authorization"));
    }

    [Fact]
    public void Sign_WithoutSessionToken_AddsNoTokenHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost:9000/bucket/key");

        _signer.Sign(request, SigV4.EmptySha256, ExampleTime);

        Assert.False(request.Headers.Contains("x-amz-security-token"));
        Assert.Contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,", Single(request, "Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public void Presign_WithSessionToken_SignsTheTokenAsAQueryParameter()
    {
        var signer = new SigV4Signer("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", sessionToken: SessionToken);

        var url = signer.Presign("PUT", new Uri("http://localhost:9000/bucket/key"), TimeSpan.FromMinutes(15), ExampleTime);

        var canonicalQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=900"
            + "&X-Amz-Security-Token=FwoGZXIvYXdz%2Ba%2Fb%3D%3D"
            + "&X-Amz-SignedHeaders=host";
        var canonical = SigV4.CanonicalRequest("PUT", "/bucket/key", canonicalQuery, [new("host", "localhost:9000")], SigV4.UnsignedPayload);
        Assert.Equal("?" + canonicalQuery + "&X-Amz-Signature=" + ExpectedSignature(canonical), url.Query);
    }

    private static string ExpectedSignature(string canonicalRequest) =>
        SigV4.Signature(
            SigV4.SigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"u8, "20130524", "us-east-1", "s3"),
            SigV4.StringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonicalRequest));

    private static string ExpectedAuthorization(string canonicalRequest, string signedHeaders) =>
        $"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders={signedHeaders}, Signature={ExpectedSignature(canonicalRequest)}";

    private static string Single(HttpRequestMessage request, string header) =>
        Assert.Single(request.Headers.NonValidated[header]);
}
