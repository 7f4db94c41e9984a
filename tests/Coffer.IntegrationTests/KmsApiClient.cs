using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coffer.Protocol.Auth;

namespace Coffer.IntegrationTests;

/// <summary>
/// Signed KMS JSON 1.1 calls sent raw (the AWS SDK's KMS package is not available here), for
/// set-up and for requests no SDK would send.
/// </summary>
public sealed class KmsApiClient(Uri endpoint, string accessKey = CofferServer.AccessKey, string secretKey = CofferServer.SecretKey) : IDisposable
{
    public const string ContentType = "application/x-amz-json-1.1";

    private readonly HttpClient _http = new();
    private readonly SigV4Signer _signer = new(accessKey, secretKey, "us-east-1", "kms");

    /// <summary>Calls <paramref name="operation"/> with <paramref name="request"/> serialised as its body.</summary>
    public Task<KmsResponse> SendAsync(string operation, object request) =>
        SendRawAsync("TrentService." + operation, JsonSerializer.SerializeToUtf8Bytes(request));

    /// <summary>Calls <paramref name="operation"/> and fails unless it succeeds.</summary>
    public async Task<JsonElement> CallAsync(string operation, object request)
    {
        var response = await SendAsync(operation, request);
        return response.Status == 200 ? response.Body : throw new InvalidOperationException($"{operation} answered {response.Status}: {response.Body}");
    }

    /// <summary>Any body and target; signed unless <paramref name="signer"/> is given (or <paramref name="unsigned"/>).</summary>
    public async Task<KmsResponse> SendRawAsync(string? target, byte[] body, string contentType = ContentType, SigV4Signer? signer = null, bool unsigned = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        if (!unsigned)
        {
            (signer ?? _signer).Sign(request, Convert.ToHexStringLower(SHA256.HashData(body)), DateTimeOffset.UtcNow);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return new KmsResponse(
            (int)response.StatusCode,
            response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.First() : null,
            response.Content.Headers.ContentType?.MediaType,
            json.RootElement.Clone());
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public void Dispose() => _http.Dispose();
}
