using System.Text.Json;
using Coffer.Protocol.Auth;

namespace Coffer.IntegrationTests;

/// <summary>Signed CloudTrail JSON 1.1 calls (LookupEvents), sent raw as <see cref="KmsApiClient"/> sends KMS's.</summary>
public sealed class CloudTrailApiClient(Uri endpoint, string accessKey = CofferServer.AccessKey, string secretKey = CofferServer.SecretKey) : IDisposable
{
    public const string Target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";

    private readonly KmsApiClient _raw = new(endpoint, accessKey, secretKey);
    private readonly SigV4Signer _signer = new(accessKey, secretKey, "us-east-1", "cloudtrail");

    public Task<KmsResponse> LookupAsync(object request) =>
        _raw.SendRawAsync(Target, JsonSerializer.SerializeToUtf8Bytes(request), signer: _signer);

    /// <summary>Every event matching <paramref name="request"/>, following NextToken with pages of <paramref name="pageSize"/>.</summary>
    public async Task<List<JsonElement>> LookupAllAsync(Dictionary<string, object> request, int pageSize = 50)
    {
        var events = new List<JsonElement>();
        string? token = null;
        do
        {
            var page = new Dictionary<string, object>(request) { ["MaxResults"] = pageSize };
            if (token is not null)
            {
                page["NextToken"] = token;
            }

            var response = await LookupAsync(page);
            if (response.Status != 200)
            {
                throw new InvalidOperationException($"LookupEvents answered {response.Status}: {response.Body}");
            }

            events.AddRange(response.Body.GetProperty("Events").EnumerateArray());
            token = response.Body.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);
        return events;
    }

    public void Dispose() => _raw.Dispose();
}
