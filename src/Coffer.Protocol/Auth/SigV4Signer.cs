using System.Globalization;

namespace Coffer.Protocol.Auth;

/// <summary>The client side of SigV4, for tools and tests that speak S3 without an SDK.</summary>
/// <remarks>With <paramref name="sessionToken"/> (temporary credentials from STS) the token is signed too: as the x-amz-security-token header, or the X-Amz-Security-Token query parameter of a pre-signed URL.</remarks>
public sealed class SigV4Signer(string accessKeyId, string secretKey, string region, string service = "s3", string? sessionToken = null)
{
    private const string SecurityTokenHeader = "x-amz-security-token";

    private readonly byte[] _secret = System.Text.Encoding.UTF8.GetBytes(secretKey);

    /// <summary>Signs a request: adds x-amz-date, x-amz-content-sha256 and Authorization to <paramref name="request"/>.</summary>
    public void Sign(HttpRequestMessage request, string payloadHash, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        request.Headers.Remove("x-amz-date");
        request.Headers.Remove("x-amz-content-sha256");
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        if (sessionToken is not null)
        {
            request.Headers.Remove(SecurityTokenHeader);
            request.Headers.TryAddWithoutValidation(SecurityTokenHeader, sessionToken);
        }

        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);

        var uri = request.RequestUri!;
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}",
            ["x-amz-date"] = amzDate,
            ["x-amz-content-sha256"] = payloadHash,
        };
        foreach (var header in request.Headers)
        {
            var name = header.Key.ToLowerInvariant();
            if (name.StartsWith("x-amz-", StringComparison.Ordinal))
            {
                headers[name] = SigV4.CanonicalHeaderValue(string.Join(',', header.Value));
            }
        }

        var scope = SigV4.Scope(date, region, service);
        var canonical = SigV4.CanonicalRequest(
            request.Method.Method,
            CanonicalUri(uri),
            SigV4.CanonicalQuery(ParseQuery(uri.Query)),
            headers.ToList(),
            payloadHash);
        var signature = SigV4.Signature(SigV4.SigningKey(_secret, date, region, service), SigV4.StringToSign(amzDate, scope, canonical));
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"{SigV4.Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={string.Join(';', headers.Keys)}, Signature={signature}");
    }

    /// <summary>A pre-signed URL for <paramref name="method"/> on <paramref name="uri"/>, valid for <paramref name="expires"/>.</summary>
    public Uri Presign(string method, Uri uri, TimeSpan expires, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = SigV4.Scope(date, region, service);
        var query = ParseQuery(uri.Query);
        query.Add(new("X-Amz-Algorithm", SigV4.Algorithm));
        query.Add(new("X-Amz-Credential", $"{accessKeyId}/{scope}"));
        query.Add(new("X-Amz-Date", amzDate));
        query.Add(new("X-Amz-Expires", ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        if (sessionToken is not null)
        {
            query.Add(new("X-Amz-Security-Token", sessionToken));
        }

        query.Add(new("X-Amz-SignedHeaders", "host"));
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        var canonicalQuery = SigV4.CanonicalQuery(query);
        var canonical = SigV4.CanonicalRequest(method, CanonicalUri(uri), canonicalQuery, [new("host", host)], SigV4.UnsignedPayload);
        var signature = SigV4.Signature(SigV4.SigningKey(_secret, date, region, service), SigV4.StringToSign(amzDate, scope, canonical));
        var builder = new UriBuilder(uri) { Query = canonicalQuery + "&X-Amz-Signature=" + signature };
        return builder.Uri;
    }

    private static string CanonicalUri(Uri uri) =>
        SigV4.UriEncode(Uri.UnescapeDataString(uri.AbsolutePath), encodeSlash: false);

    private static List<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            result.Add(eq < 0
                ? new(Uri.UnescapeDataString(part), string.Empty)
                : new(Uri.UnescapeDataString(part[..eq]), Uri.UnescapeDataString(part[(eq + 1)..])));
        }

        return result;
    }
}
