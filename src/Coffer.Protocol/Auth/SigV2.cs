using System.Security.Cryptography;
using System.Text;
using Coffer.Protocol.Http;

namespace Coffer.Protocol.Auth;

/// <summary>
/// The pure parts of S3's legacy Signature Version 2 (HMAC-SHA1), still what aws cli v1 and
/// boto3 produce for pre-signed URLs by default.
/// </summary>
public static class SigV2
{
    /// <summary>Sub-resources that take part in the canonical resource, as S3 lists them.</summary>
    private static readonly string[] SignedSubresources =
    [
        "acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
        "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires", "restore", "tagging", "torrent",
        "uploadId", "uploads", "versionId", "versioning", "versions", "website",
    ];

    /// <param name="resourcePath">"/bucket/key" as sent, still percent-encoded.</param>
    /// <param name="amzHeaders">x-amz-* headers: lower-case name and value.</param>
    public static string StringToSign(string method, string contentMd5, string contentType, string dateOrExpires, IEnumerable<KeyValuePair<string, string>> amzHeaders, string resourcePath, QueryParameters query)
    {
        var builder = new StringBuilder();
        builder.Append(method).Append('\n').Append(contentMd5).Append('\n').Append(contentType).Append('\n').Append(dateOrExpires).Append('\n');
        foreach (var group in amzHeaders.GroupBy(h => h.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            builder.Append(group.Key).Append(':').AppendJoin(',', group.Select(h => SigV4.CanonicalHeaderValue(h.Value))).Append('\n');
        }

        builder.Append(resourcePath);
        var subresources = query.Items
            .Where(p => SignedSubresources.Contains(p.Key, StringComparer.Ordinal))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Value.Length == 0 && !HasExplicitValue(p.Key) ? p.Key : p.Key + "=" + p.Value)
            .ToList();
        if (subresources.Count > 0)
        {
            builder.Append('?').AppendJoin('&', subresources);
        }

        return builder.ToString();
    }

    public static string Signature(ReadOnlySpan<byte> secret, string stringToSign) =>
        Convert.ToBase64String(HMACSHA1.HashData(secret, Encoding.UTF8.GetBytes(stringToSign)));

    // Value-less sub-resources (?uploads, ?delete) are signed bare; the rest always carry "=value".
    private static bool HasExplicitValue(string name) => name is "partNumber" or "uploadId" or "versionId" || name.StartsWith("response-", StringComparison.Ordinal);
}
