using System.Security.Cryptography;
using System.Xml.Linq;
using Coffer.Protocol.Auth;

namespace Coffer.IntegrationTests;

/// <summary>
/// Signed IAM / STS Query API calls (form POSTs), for .NET tests that need IAM set-up: the AWS
/// SDK's IAM package is not available here, so tests speak the wire protocol directly.
/// </summary>
public sealed class QueryApiClient(Uri endpoint, string service, string accessKey = CofferServer.AccessKey, string secretKey = CofferServer.SecretKey) : IDisposable
{
    private readonly HttpClient _http = new();
    private readonly SigV4Signer _signer = new(accessKey, secretKey, "us-east-1", service);

    public string Version => service == "sts" ? "2011-06-15" : "2010-05-08";

    /// <summary>Calls <paramref name="action"/>; returns the status and the parsed response body.</summary>
    public async Task<(int Status, XDocument Body)> SendAsync(string action, params (string Name, string Value)[] parameters)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", Version) };
        form.AddRange(parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
        using var content = new FormUrlEncodedContent(form);
        var body = await content.ReadAsByteArrayAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded") { CharSet = "utf-8" };
        _signer.Sign(request, Convert.ToHexStringLower(SHA256.HashData(body)), DateTimeOffset.UtcNow);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, XDocument.Parse(text));
    }

    /// <summary>Calls <paramref name="action"/> and fails unless it succeeds.</summary>
    public async Task<XDocument> CallAsync(string action, params (string Name, string Value)[] parameters)
    {
        var (status, body) = await SendAsync(action, parameters);
        if (status != 200)
        {
            throw new InvalidOperationException($"{action} answered {status}: {body}");
        }

        return body;
    }

    /// <summary>The text of the first element named <paramref name="name"/> anywhere in the document.</summary>
    public static string Value(XDocument document, string name) =>
        document.Descendants().First(e => e.Name.LocalName == name).Value;

    public void Dispose() => _http.Dispose();
}
