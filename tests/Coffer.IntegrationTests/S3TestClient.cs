using System.Net.Http.Headers;
using Coffer.Protocol.Auth;

namespace Coffer.IntegrationTests;

/// <summary>A raw SigV4-signing HTTP client, for tests that need exact control over each request.</summary>
public sealed class S3TestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly SigV4Signer _signer;

    public S3TestClient(Uri endpoint, string accessKey = CofferServer.AccessKey, string secretKey = CofferServer.SecretKey)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(60) };
        _signer = new SigV4Signer(accessKey, secretKey, "us-east-1");
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, byte[]? body = null, Action<HttpRequestMessage>? configure = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(method, new Uri(_http.BaseAddress!, pathAndQuery));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }

        configure?.Invoke(request);
        _signer.Sign(request, SigV4.UnsignedPayload, DateTimeOffset.UtcNow);
        return _http.SendAsync(request, cancellationToken);
    }

    public async Task CreateBucketAsync(string bucket)
    {
        using var response = await SendAsync(HttpMethod.Put, "/" + bucket);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => _http.Dispose();
}
