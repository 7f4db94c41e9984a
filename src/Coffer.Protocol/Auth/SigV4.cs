using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Coffer.Protocol.Auth;

/// <summary>The pure parts of AWS Signature Version 4: encoding, canonical forms, key derivation, signing.</summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    private static readonly SearchValues<byte> Unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"u8);

    /// <summary>RFC 3986 encoding as SigV4 wants it: unreserved characters kept, all else %XX upper-case.</summary>
    public static string UriEncode(string value, bool encodeSlash)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.AsSpan().IndexOfAnyExcept(Unreserved) < 0)
        {
            return value;
        }

        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (Unreserved.Contains(b) || (b == (byte)'/' && !encodeSlash))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    private const string HexUpper = "0123456789ABCDEF";

    /// <summary>Sorted, encoded query string; <paramref name="parameters"/> are decoded names and values.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters, string? exclude = null)
    {
        var encoded = parameters
            .Where(p => exclude is null || p.Key != exclude)
            .Select(p => (Name: UriEncode(p.Key, encodeSlash: true), Value: UriEncode(p.Value, encodeSlash: true)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', encoded.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>A header value as it enters the canonical request: trimmed, inner runs of spaces collapsed.</summary>
    public static string CanonicalHeaderValue(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal) && !trimmed.Contains('\t'))
        {
            return trimmed;
        }

        var builder = new StringBuilder(trimmed.Length);
        var lastSpace = false;
        foreach (var c in trimmed)
        {
            var space = c is ' ' or '\t';
            if (space && lastSpace)
            {
                continue;
            }

            builder.Append(space ? ' ' : c);
            lastSpace = space;
        }

        return builder.ToString();
    }

    /// <param name="headers">Signed headers in order: lower-case name and canonical value.</param>
    public static string CanonicalRequest(string method, string canonicalUri, string canonicalQuery, IReadOnlyList<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var builder = new StringBuilder(256);
        builder.Append(method).Append('\n').Append(canonicalUri).Append('\n').Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n');
        builder.AppendJoin(';', headers.Select(h => h.Key));
        builder.Append('\n').Append(payloadHash);
        return builder.ToString();
    }

    public static string Scope(string date, string region, string service) => $"{date}/{region}/{service}/aws4_request";

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(canonicalRequest)}";

    public static byte[] SigningKey(ReadOnlySpan<byte> secret, string date, string region, string service)
    {
        var seed = new byte[4 + secret.Length];
        "AWS4"u8.CopyTo(seed);
        secret.CopyTo(seed.AsSpan(4));
        var key = HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes(date));
        CryptographicOperations.ZeroMemory(seed);
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    public static string Signature(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    public static string HexSha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static string HexSha256(ReadOnlySpan<byte> value) => Convert.ToHexStringLower(SHA256.HashData(value));

    /// <summary>Compares two signatures without leaking where they differ.</summary>
    public static bool SignaturesEqual(string expected, string provided) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(provided));
}
