using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Coffer.Protocol.S3.Encryption;

/// <summary>
/// The server-side encryption a request asks for, from its x-amz-server-side-encryption* headers
/// (or, for a copy's source, the x-amz-copy-source-server-side-encryption-customer-* ones),
/// checked as S3 checks them. A customer key is held only for the request and zeroed on dispose.
/// </summary>
internal sealed class SseRequest : IDisposable
{
    public const string AlgorithmHeader = "x-amz-server-side-encryption";
    public const string KmsKeyIdHeader = "x-amz-server-side-encryption-aws-kms-key-id";
    public const string ContextHeader = "x-amz-server-side-encryption-context";
    public const string BucketKeyHeader = "x-amz-server-side-encryption-bucket-key-enabled";
    public const string CustomerAlgorithmHeader = "x-amz-server-side-encryption-customer-algorithm";
    public const string CustomerKeyHeader = "x-amz-server-side-encryption-customer-key";
    public const string CustomerKeyMd5Header = "x-amz-server-side-encryption-customer-key-MD5";
    public const string CopySourcePrefix = "x-amz-copy-source-";

    /// <summary>The KMS encryption context header's limit (its base64 form), as for KMS's own context.</summary>
    private const int MaxContextHeaderLength = 8 * 1024;

    private byte[]? _customerKey;

    private SseRequest(SseMode mode) => Mode = mode;

    public static SseRequest None { get; } = new(SseMode.BucketDefault);

    public SseMode Mode { get; }

    /// <summary>The KMS key the request names (id, ARN, alias name or alias ARN); null for the default.</summary>
    public string? KmsKeyId { get; private init; }

    /// <summary>The caller's encryption context for SSE-KMS, sorted by key; empty when none was given.</summary>
    public IReadOnlyDictionary<string, string> KmsContext { get; private init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public bool? BucketKeyEnabled { get; private init; }

    /// <summary>The SSE-C key; only while the request lasts.</summary>
    public ReadOnlySpan<byte> CustomerKey => _customerKey ?? throw new InvalidOperationException("The request has no customer key.");

    /// <summary>The base64 MD5 of the SSE-C key, as sent back in responses.</summary>
    public string? CustomerKeyMd5 { get; private init; }

    /// <summary>
    /// The encryption a write asks for. <paramref name="secure"/> is whether the request came over
    /// TLS; <paramref name="allowCustomerKeysOverHttp"/> is the operator's test-only exception.
    /// </summary>
    public static SseRequest ForWrite(Func<string, string?> header, bool secure, bool allowCustomerKeysOverHttp)
    {
        var customer = ParseCustomer(header, string.Empty, secure, allowCustomerKeysOverHttp);
        var algorithm = header(AlgorithmHeader)?.Trim();
        var kmsKeyId = header(KmsKeyIdHeader)?.Trim();
        var context = header(ContextHeader)?.Trim();
        var bucketKey = header(BucketKeyHeader)?.Trim();
        if (customer is not null)
        {
            if (algorithm is not null)
            {
                customer.Dispose();
                throw Invalid(AlgorithmHeader, algorithm, "Server Side Encryption with Customer provided key is incompatible with the encryption method specified");
            }

            if (kmsKeyId is not null || context is not null)
            {
                customer.Dispose();
                throw Invalid(KmsKeyIdHeader, kmsKeyId ?? context, "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms");
            }

            return customer;
        }

        switch (algorithm)
        {
            case null when kmsKeyId is null && context is null && bucketKey is null:
                return None;
            case null or BucketEncryption.Aes256 when kmsKeyId is not null || context is not null:
                throw Invalid(KmsKeyIdHeader, kmsKeyId ?? context, "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms");
            case null or BucketEncryption.Aes256:
                return new SseRequest(algorithm is null ? SseMode.BucketDefault : SseMode.S3) { BucketKeyEnabled = ParseBucketKey(bucketKey) };
            case BucketEncryption.AwsKms:
                return new SseRequest(SseMode.Kms)
                {
                    KmsKeyId = kmsKeyId is { Length: > 0 } ? kmsKeyId : null,
                    KmsContext = ParseContext(context),
                    BucketKeyEnabled = ParseBucketKey(bucketKey),
                };
            case BucketEncryption.AwsKmsDsse:
                throw new S3Exception(S3ErrorCode.NotImplemented, "Dual-layer server-side encryption (aws:kms:dsse) is not implemented by this server.");
            default:
                throw Invalid(AlgorithmHeader, algorithm, "The encryption method specified is not supported");
        }
    }

    /// <summary>
    /// The SSE-C key a read (or a copy's source, with <paramref name="copySource"/>) gives, or
    /// null when it gives none; the SSE headers of a write are refused on reads by S3 too.
    /// </summary>
    public static SseRequest? CustomerKeyForRead(Func<string, string?> header, bool copySource, bool secure, bool allowCustomerKeysOverHttp) =>
        ParseCustomer(header, copySource ? CopySourcePrefix : string.Empty, secure, allowCustomerKeysOverHttp);

    /// <summary>Whether <paramref name="key"/> is this request's customer key, in constant time.</summary>
    public bool MatchesCustomerKey(ReadOnlySpan<byte> key) =>
        _customerKey is not null && CryptographicOperations.FixedTimeEquals(_customerKey, key);

    public void Dispose()
    {
        if (_customerKey is not null)
        {
            CryptographicOperations.ZeroMemory(_customerKey);
            _customerKey = null;
        }
    }

    private static SseRequest? ParseCustomer(Func<string, string?> header, string prefix, bool secure, bool allowCustomerKeysOverHttp)
    {
        var algorithmHeader = Named(prefix, CustomerAlgorithmHeader);
        var keyHeader = Named(prefix, CustomerKeyHeader);
        var md5Header = Named(prefix, CustomerKeyMd5Header);
        var algorithm = header(algorithmHeader)?.Trim();
        var key = header(keyHeader)?.Trim();
        var md5 = header(md5Header)?.Trim();
        if (algorithm is null && key is null && md5 is null)
        {
            return null;
        }

        if (!secure && !allowCustomerKeysOverHttp)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.");
        }

        if (algorithm is null)
        {
            throw Invalid(algorithmHeader, null, "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.");
        }

        if (algorithm != BucketEncryption.Aes256)
        {
            throw Invalid(algorithmHeader, algorithm, "The encryption algorithm specified is not valid. The valid value is AES256.");
        }

        if (key is null)
        {
            throw Invalid(keyHeader, null, "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.");
        }

        if (md5 is null)
        {
            throw Invalid(md5Header, null, "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.");
        }

        var keyBytes = new byte[32];
        if (!Convert.TryFromBase64String(key, keyBytes, out var keyLength) || keyLength != 32)
        {
            CryptographicOperations.ZeroMemory(keyBytes);
            throw Invalid(keyHeader, null, "The secret key was invalid for the specified algorithm.");
        }

        Span<byte> expected = stackalloc byte[16];
        if (!Convert.TryFromBase64String(md5, expected, out var md5Length) || md5Length != 16
            || !CryptographicOperations.FixedTimeEquals(MD5.HashData(keyBytes), expected))
        {
            CryptographicOperations.ZeroMemory(keyBytes);
            throw Invalid(md5Header, null, "The calculated MD5 hash of the key did not match the hash that was provided.");
        }

        return new SseRequest(SseMode.Customer) { _customerKey = keyBytes, CustomerKeyMd5 = Convert.ToBase64String(expected) };
    }

    /// <summary>x-amz-server-side-encryption-… as itself, or as x-amz-copy-source-server-side-encryption-… for a copy's source.</summary>
    private static string Named(string prefix, string header) =>
        prefix.Length == 0 ? header : prefix + header["x-amz-".Length..];

    private static SortedDictionary<string, string> ParseContext(string? header)
    {
        var context = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(header))
        {
            return context;
        }

        if (header.Length > MaxContextHeaderLength)
        {
            throw Invalid(ContextHeader, null, "The header 'x-amz-server-side-encryption-context' shall be less than 8 KB.");
        }

        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(header), new JsonDocumentOptions { MaxDepth = 2 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(ContextHeader, null, "The header 'x-amz-server-side-encryption-context' must be a base64-encoded UTF-8 JSON object of strings.");
            }

            foreach (var pair in document.RootElement.EnumerateObject())
            {
                if (pair.Value.ValueKind != JsonValueKind.String || !context.TryAdd(pair.Name, pair.Value.GetString()!))
                {
                    throw Invalid(ContextHeader, null, "The header 'x-amz-server-side-encryption-context' must be a base64-encoded UTF-8 JSON object of strings.");
                }
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            throw Invalid(ContextHeader, null, "The header 'x-amz-server-side-encryption-context' must be a base64-encoded UTF-8 JSON object of strings.");
        }

        return context;
    }

    private static bool? ParseBucketKey(string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        "true" => true,
        "false" => false,
        _ => throw Invalid(BucketKeyHeader, value, "x-amz-server-side-encryption-bucket-key-enabled must be true or false"),
    };

    private static S3Exception Invalid(string argument, string? value, string message)
    {
        var error = new S3Exception(S3ErrorCode.InvalidArgument, message).With("ArgumentName", argument);
        return value is null ? error : error.With("ArgumentValue", value);
    }
}
