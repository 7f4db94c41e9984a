using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Coffer.Protocol.Auth;
using Xunit;

namespace Coffer.IntegrationTests;

public sealed class TlsAndProxyTests
{
    [Fact]
    public async Task TlsCertAndKey_ServeHttpsThatSignedClientsCanUse()
    {
        var directory = Directory.CreateTempSubdirectory("coffer-tls-").FullName;
        try
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certPath = Path.Combine(directory, "cert.pem");
            var keyPath = Path.Combine(directory, "key.pem");
            await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(keyPath, rsa.ExportPkcs8PrivateKeyPem());

            await using var server = await CofferServer.StartAsync(environment: new Dictionary<string, string>
            {
                ["COFFER_TLS_CERT"] = certPath,
                ["COFFER_TLS_KEY"] = keyPath,
            });
            Assert.Equal("https", server.Endpoint.Scheme);

            var thumbprint = certificate.Thumbprint;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == thumbprint,
            };
            using var http = new HttpClient(handler);
            var signer = new SigV4Signer(CofferServer.AccessKey, CofferServer.SecretKey, "us-east-1");

            using var create = new HttpRequestMessage(HttpMethod.Put, new Uri(server.Endpoint, "/secure"));
            signer.Sign(create, SigV4.UnsignedPayload, DateTimeOffset.UtcNow);
            using var created = await http.SendAsync(create);
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);

            using var list = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Endpoint, "/secure?list-type=2"));
            signer.Sign(list, SigV4.UnsignedPayload, DateTimeOffset.UtcNow);
            using var listed = await http.SendAsync(list);
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);

            // Plain HTTP to the TLS port is not served.
            using var plain = new HttpClient();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/_coffer/health")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task PublicEndpoint_PresignedUrlsMadeForThePublicHostVerifyBehindAProxy()
    {
        await using var server = await CofferServer.StartAsync(environment: new Dictionary<string, string>
        {
            ["COFFER_PUBLIC_ENDPOINT"] = "https://files.example.com",
        });
        using var client = new S3TestClient(server.Endpoint);

        // The server checks signatures against the public host, so requests signed for the
        // loopback address it actually receives them on must now fail.
        using (var direct = await client.SendAsync(HttpMethod.Put, "/proxied"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode);
            Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await direct.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var signer = new SigV4Signer(CofferServer.AccessKey, CofferServer.SecretKey, "us-east-1");
        using var http = new HttpClient();
        await SendThroughProxyAsync(http, signer, server, HttpMethod.Put, "/proxied", HttpStatusCode.OK);
        await SendThroughProxyAsync(http, signer, server, HttpMethod.Put, "/proxied/hello.txt", HttpStatusCode.OK);

        var presigned = signer.Presign("GET", new Uri("https://files.example.com/proxied/hello.txt"), TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow);
        var forwarded = new Uri(server.Endpoint, presigned.PathAndQuery);
        using var fetched = await http.GetAsync(forwarded);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
    }

    [Fact]
    public async Task TrustedProxy_ForwardedHostIsBelievedOnlyFromConfiguredAddresses()
    {
        var signer = new SigV4Signer(CofferServer.AccessKey, CofferServer.SecretKey, "us-east-1");
        using var http = new HttpClient();

        await using (var trusting = await CofferServer.StartAsync(environment: new Dictionary<string, string> { ["COFFER_TRUSTED_PROXIES"] = "127.0.0.1" }))
        {
            await SendThroughProxyAsync(http, signer, trusting, HttpMethod.Put, "/forwarded", HttpStatusCode.OK, forwardedHost: true);
        }

        await using var untrusting = await CofferServer.StartAsync(environment: new Dictionary<string, string> { ["COFFER_TRUSTED_PROXIES"] = "10.1.2.3" });
        await SendThroughProxyAsync(http, signer, untrusting, HttpMethod.Put, "/forwarded", HttpStatusCode.Forbidden, forwardedHost: true);
    }

    /// <summary>Signs for https://files.example.com and delivers to the loopback server, as a reverse proxy would.</summary>
    private static async Task SendThroughProxyAsync(HttpClient http, SigV4Signer signer, CofferServer server, HttpMethod method, string path, HttpStatusCode expected, bool forwardedHost = false)
    {
        using var request = new HttpRequestMessage(method, new Uri("https://files.example.com" + path));
        signer.Sign(request, SigV4.UnsignedPayload, DateTimeOffset.UtcNow);
        request.RequestUri = new Uri(server.Endpoint, path);
        if (forwardedHost)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "files.example.com");
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        }
        else
        {
            request.Headers.Host = "files.example.com";
        }

        using var response = await http.SendAsync(request);
        Assert.True(expected == response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
