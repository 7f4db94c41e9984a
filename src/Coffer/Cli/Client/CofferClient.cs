using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Coffer.Protocol.Auth;

namespace Coffer.Cli.Client;

/// <summary>
/// A small signed client of a Coffer server: IAM and STS Query calls (form POSTs answered with
/// XML) and S3 pre-signed URLs, path-style, signed with SigV4.
/// </summary>
internal sealed class CofferClient(HttpClient http, Uri endpoint, string region, AwsCredentials credentials, TimeProvider time)
{
    public Uri Endpoint { get; } = endpoint;

    public string Region { get; } = region;

    public AwsCredentials Credentials { get; } = credentials;

    public TimeProvider Time { get; } = time;

    private (string Account, string Arn)? _caller;

    /// <summary>The caller's account id.</summary>
    public async Task<string> AccountIdAsync(CancellationToken cancellationToken) =>
        (await CallerAsync(cancellationToken).ConfigureAwait(false)).Account;

    /// <summary>Who the credentials are, from STS GetCallerIdentity (asked once).</summary>
    public async Task<(string Account, string Arn)> CallerAsync(CancellationToken cancellationToken)
    {
        if (_caller is null)
        {
            var identity = await QueryAsync("sts", "GetCallerIdentity", [], cancellationToken).ConfigureAwait(false);
            _caller = (identity.Required("Account"), identity.Required("Arn"));
        }

        return _caller.Value;
    }

    /// <summary>Calls an IAM (<paramref name="service"/> "iam") or STS ("sts") action; returns the &lt;ActionResult&gt; element (empty for actions without output).</summary>
    public async Task<XElement> QueryAsync(string service, string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("Action", action),
            new("Version", service == "sts" ? "2011-06-15" : "2010-05-08"),
        };
        form.AddRange(parameters);
        byte[] body;
        using (var content = new FormUrlEncodedContent(form))
        {
            body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded") { CharSet = "utf-8" };
        Signer(service, Credentials).Sign(request, Convert.ToHexStringLower(SHA256.HashData(body)), Time.GetUtcNow());
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Error(text, (int)response.StatusCode);
        }

        var document = XDocument.Parse(text);
        // Actions without output (DeleteUser, AttachUserPolicy) answer with response metadata only.
        return document.Root.Child(action + "Result") ?? new XElement(action + "Result");
    }

    /// <summary>
    /// Calls a JSON 1.1 API (CloudTrail, KMS) operation named by its full X-Amz-Target; returns the
    /// answer's object. Refusals throw <see cref="CofferApiException"/> with the error's __type.
    /// </summary>
    public async Task<JsonElement> JsonAsync(string service, string target, JsonObject parameters, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(parameters.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        Signer(service, Credentials).Sign(request, Convert.ToHexStringLower(SHA256.HashData(body)), Time.GetUtcNow());
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonElement answer;
        try
        {
            using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
            answer = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CofferApiException(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), "the server answered HTTP " + (int)response.StatusCode, (int)response.StatusCode);
        }

        if (response.IsSuccessStatusCode)
        {
            return answer;
        }

        // AWS may qualify the type ("namespace#Name").
        var type = answer.TryGetProperty("__type", out var t) ? t.GetString() ?? "" : "";
        var message = answer.TryGetProperty("message", out var m) || answer.TryGetProperty("Message", out m) ? m.GetString() ?? "" : "";
        throw new CofferApiException(type.Length > 0 ? type[(type.LastIndexOf('#') + 1)..] : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), message, (int)response.StatusCode);
    }

    /// <summary>
    /// Every member of an IAM list answer (<paramref name="listElement"/>, e.g. "Users"), following
    /// Marker and IsTruncated across pages.
    /// </summary>
    public async Task<List<XElement>> ListAllAsync(string action, string listElement, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var members = new List<XElement>();
        string? marker = null;
        do
        {
            List<KeyValuePair<string, string>> page = [.. parameters];
            if (marker is not null)
            {
                page.Add(new("Marker", marker));
            }

            var result = await QueryAsync("iam", action, page, cancellationToken).ConfigureAwait(false);
            members.AddRange(result.Child(listElement).Children("member"));
            marker = result.ChildValue("IsTruncated") == "true" ? result.ChildValue("Marker") : null;
        }
        while (marker is not null);
        return members;
    }

    /// <summary>
    /// A signed path-style S3 request; the parsed XML answer (null when the body is empty).
    /// Refusals throw <see cref="CofferApiException"/> with S3's error code.
    /// </summary>
    public async Task<XElement?> S3Async(
        HttpMethod method,
        string bucket,
        string key,
        IEnumerable<KeyValuePair<string, string>> query,
        byte[]? body,
        CancellationToken cancellationToken,
        AwsCredentials? signing = null)
    {
        var uri = ObjectUri(bucket, key);
        var pairs = query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)).ToList();
        if (pairs.Count > 0)
        {
            uri = new UriBuilder(uri) { Query = string.Join('&', pairs) }.Uri;
        }

        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentMD5 = MD5.HashData(body);
        }

        Signer("s3", signing ?? Credentials).Sign(request, Convert.ToHexStringLower(SHA256.HashData(body ?? [])), Time.GetUtcNow());
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Error(text, (int)response.StatusCode);
        }

        return text.Length == 0 ? null : XDocument.Parse(text).Root;
    }

    /// <summary>
    /// GetObject: the object's bytes as stored (a gzip log file stays gzip) and its x-amz-meta-*
    /// entries (names without the prefix); null when there is no such key.
    /// </summary>
    public async Task<(byte[] Body, Dictionary<string, string> Metadata)?> S3GetAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ObjectUri(bucket, key));
        Signer("s3", Credentials).Sign(request, Convert.ToHexStringLower(SHA256.HashData([])), Time.GetUtcNow());
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var error = Error(text, (int)response.StatusCode);
            return error.Code == "NoSuchKey" ? null : throw error;
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers)
        {
            if (name.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase))
            {
                metadata[name["x-amz-meta-".Length..]] = string.Join(',', values);
            }
        }

        return (body, metadata);
    }

    /// <summary>ListObjectsV2 through every page: the keys under <paramref name="prefix"/>, in key order.</summary>
    public async Task<List<string>> S3ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        string? continuation = null;
        do
        {
            List<KeyValuePair<string, string>> query = [new("list-type", "2"), new("prefix", prefix)];
            if (continuation is not null)
            {
                query.Add(new("continuation-token", continuation));
            }

            var result = await S3Async(HttpMethod.Get, bucket, string.Empty, query, null, cancellationToken).ConfigureAwait(false);
            keys.AddRange(result.Children("Contents").Select(c => c.Required("Key")));
            continuation = result.ChildValue("IsTruncated") == "true" ? result.ChildValue("NextContinuationToken") : null;
        }
        while (continuation is not null);
        return keys;
    }

    /// <summary>A pre-signed URL for <paramref name="method"/> on the object, made with <paramref name="signing"/>.</summary>
    public Uri Presign(string method, string bucket, string key, TimeSpan expires, AwsCredentials signing) =>
        Signer("s3", signing).Presign(method, ObjectUri(bucket, key), expires, Time.GetUtcNow());

    private Uri ObjectUri(string bucket, string key)
    {
        var path = "/" + Uri.EscapeDataString(bucket);
        if (key.Length > 0)
        {
            path += "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        }

        return new Uri(Endpoint, path);
    }

    private SigV4Signer Signer(string service, AwsCredentials signing) =>
        new(signing.AccessKeyId, signing.SecretAccessKey, Region, service, signing.SessionToken);

    /// <summary>The AWS error of an &lt;ErrorResponse&gt; body; the HTTP status when there is none.</summary>
    private static CofferApiException Error(string body, int status)
    {
        try
        {
            var error = XDocument.Parse(body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
            if (!string.IsNullOrEmpty(code))
            {
                var message = error!.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? string.Empty;
                return new CofferApiException(code, message, status);
            }
        }
        catch (System.Xml.XmlException)
        {
        }

        return new CofferApiException(status.ToString(System.Globalization.CultureInfo.InvariantCulture), "the server answered HTTP " + status, status);
    }
}
