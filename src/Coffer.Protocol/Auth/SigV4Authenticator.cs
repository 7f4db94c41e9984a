using System.Collections.Concurrent;
using System.Globalization;
using Coffer.Identity.AccessKeys;
using Coffer.Identity.Sessions;
using Coffer.Protocol.Checksums;
using Coffer.Protocol.Http;
using Coffer.Protocol.S3;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Auth;

/// <summary>
/// Verifies AWS Signature Version 4 in an Authorization header or in a pre-signed query string,
/// and wraps the body so that its payload hash or chunk signatures are checked as it is read.
/// </summary>
internal sealed class SigV4Authenticator(AccessKeyStore keys, SessionTokens sessions, TimeProvider time, ProtocolOptions options)
{
    private const long MaxPresignExpiry = 604800;

    private static readonly Expectation S3 = new("s3", AlternateRegion: null, BodyHash: null);

    private readonly ConcurrentDictionary<(string, string, string, string), byte[]> _signingKeys = new();

    /// <summary>
    /// The service named in the SigV4 credential scope (Authorization header or X-Amz-Credential),
    /// read before authenticating so the request can be routed to its front-end; null when unsigned or SigV2.
    /// </summary>
    public static string? ScopeService(HttpRequest request, QueryParameters query)
    {
        var authorization = request.Headers.Authorization.ToString();
        string? credential = null;
        if (authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal))
        {
            var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
            if (start >= 0)
            {
                var rest = authorization.AsSpan(start + "Credential=".Length);
                var end = rest.IndexOfAny(',', ' ');
                credential = (end < 0 ? rest : rest[..end]).ToString();
            }
        }
        else if (authorization.Length == 0)
        {
            credential = query.Get("X-Amz-Credential");
        }

        var parts = credential?.Split('/');
        return parts is { Length: 5 } ? parts[3] : null;
    }

    /// <summary>
    /// Authenticates a Query-protocol request (IAM, STS) whose form body is already buffered:
    /// such clients send no x-amz-content-sha256, so the signature covers the body's SHA-256.
    /// The scope must name <paramref name="service"/> and the configured region or us-east-1.
    /// </summary>
    public async Task<AuthenticatedRequest> AuthenticateQueryAsync(HttpRequest request, string rawPath, QueryParameters query, ReadOnlyMemory<byte> body, string service, CancellationToken cancellationToken)
    {
        var expectation = new Expectation(service, "us-east-1", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body.Span)));
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal))
        {
            return await FromHeaderAsync(request, rawPath, query, authorization, expectation, cancellationToken).ConfigureAwait(false);
        }

        if (authorization.Length > 0)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }

        if (query.Has("X-Amz-Algorithm") || query.Has("X-Amz-Signature") || query.Has("X-Amz-Credential"))
        {
            return await FromQueryAsync(request, rawPath, query, expectation, cancellationToken).ConfigureAwait(false);
        }

        return new AuthenticatedRequest { Body = Stream.Null };
    }

    /// <param name="v2Resource">The path SigV2 signs: "/bucket" + path for virtual-hosted requests, the path as sent otherwise.</param>
    public async Task<AuthenticatedRequest> AuthenticateAsync(HttpRequest request, string rawPath, string v2Resource, QueryParameters query, CancellationToken cancellationToken)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            if (authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal))
            {
                return await FromHeaderAsync(request, rawPath, query, authorization, S3, cancellationToken).ConfigureAwait(false);
            }

            if (authorization.StartsWith("AWS ", StringComparison.Ordinal))
            {
                return await FromV2HeaderAsync(request, v2Resource, query, authorization, cancellationToken).ConfigureAwait(false);
            }

            throw new S3Exception(S3ErrorCode.InvalidRequest, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }

        if (query.Has("X-Amz-Algorithm") || query.Has("X-Amz-Signature"))
        {
            return await FromQueryAsync(request, rawPath, query, S3, cancellationToken).ConfigureAwait(false);
        }

        if (query.Has("AWSAccessKeyId") || query.Has("Signature"))
        {
            return await FromV2QueryAsync(request, v2Resource, query, cancellationToken).ConfigureAwait(false);
        }

        return new AuthenticatedRequest { Body = request.Body };
    }

    private async Task<AuthenticatedRequest> FromV2HeaderAsync(HttpRequest request, string resource, QueryParameters query, string authorization, CancellationToken cancellationToken)
    {
        var credentials = authorization[4..];
        var colon = credentials.LastIndexOf(':');
        if (colon <= 0)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature");
        }

        var amzDate = request.Headers["x-amz-date"].ToString();
        var dateHeader = request.Headers.Date.ToString();
        var dateText = amzDate.Length > 0 ? amzDate : dateHeader;
        if (!DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var requestTime))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
        }

        var now = time.GetUtcNow();
        if ((requestTime - now).Duration() > options.MaxClockSkew)
        {
            throw new S3Exception(S3ErrorCode.RequestTimeTooSkewed);
        }

        // With x-amz-date signed among the amz headers, the Date line is left empty.
        var dateLine = amzDate.Length > 0 ? string.Empty : dateHeader;
        var credential = await FindCredentialAsync(credentials[..colon], request, query, cancellationToken).ConfigureAwait(false);
        VerifyV2(request, credential, dateLine, resource, query, credentials[(colon + 1)..], presigned: false);
        RecordUse(credential, "s3", options.Region);
        return new AuthenticatedRequest { Principal = credential.Principal, AccessKeyId = credential.AccessKeyId, Body = request.Body, Scheme = AuthScheme.HeaderV2, SignedAt = requestTime };
    }

    private async Task<AuthenticatedRequest> FromV2QueryAsync(HttpRequest request, string resource, QueryParameters query, CancellationToken cancellationToken)
    {
        var accessKeyId = query.Get("AWSAccessKeyId");
        var signature = query.Get("Signature");
        var expires = query.Get("Expires");
        if (accessKeyId is null || signature is null || expires is null)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }

        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Invalid date (should be seconds since epoch): " + expires);
        }

        var now = time.GetUtcNow();
        if (now.ToUnixTimeSeconds() > expiresAt)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Request has expired")
                .With("Expires", DateTimeOffset.FromUnixTimeSeconds(expiresAt).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
                .With("ServerTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }

        var credential = await FindCredentialAsync(accessKeyId, request, query, cancellationToken).ConfigureAwait(false);
        VerifyV2(request, credential, expires, resource, query, signature, presigned: true);
        RecordUse(credential, "s3", options.Region);
        return new AuthenticatedRequest { Principal = credential.Principal, AccessKeyId = credential.AccessKeyId, Body = request.Body, Scheme = AuthScheme.QueryV2 };
    }

    /// <param name="presigned">
    /// A pre-signed URL carries the x-amz-* headers it signed (a session's x-amz-security-token,
    /// say), and Content-MD5 / Content-Type, as query parameters instead (botocore's HmacV1QueryAuth).
    /// </param>
    private static void VerifyV2(HttpRequest request, Credential credential, string dateLine, string resource, QueryParameters query, string provided, bool presigned)
    {
        var amzHeaders = request.Headers
            .Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), v ?? string.Empty)));
        var contentMd5 = request.Headers["Content-MD5"].ToString();
        var contentType = request.Headers.ContentType.ToString();
        if (presigned)
        {
            amzHeaders = amzHeaders.Concat(query.Items
                .Where(p => p.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
                .Select(p => new KeyValuePair<string, string>(p.Key.ToLowerInvariant(), p.Value)));
            contentMd5 = contentMd5.Length > 0 ? contentMd5 : query.Get("content-md5") ?? string.Empty;
            contentType = contentType.Length > 0 ? contentType : query.Get("content-type") ?? string.Empty;
        }

        var stringToSign = SigV2.StringToSign(request.Method, contentMd5, contentType, dateLine, amzHeaders, resource, query);
        var expected = SigV2.Signature(credential.Secret, stringToSign);
        if (!SigV4.SignaturesEqual(expected, provided))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
                .With("AWSAccessKeyId", credential.AccessKeyId)
                .With("StringToSign", stringToSign)
                .With("SignatureProvided", provided);
        }
    }

    private async Task<AuthenticatedRequest> FromHeaderAsync(HttpRequest request, string rawPath, QueryParameters query, string authorization, Expectation expectation, CancellationToken cancellationToken)
    {
        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in authorization[(SigV4.Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw HeaderMalformed("the authorization header is not of the form AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…");
            }

            var value = part[(eq + 1)..];
            switch (part[..eq])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            throw HeaderMalformed("a Credential, SignedHeaders and Signature are required");
        }

        var scope = ParseCredential(credential, HeaderMalformed);
        var amzDate = request.Headers["x-amz-date"].ToString();
        DateTimeOffset requestTime;
        if (amzDate.Length > 0)
        {
            requestTime = ParseAmzDate(amzDate) ?? throw new S3Exception(S3ErrorCode.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
        }
        else if (DateTimeOffset.TryParseExact(request.Headers.Date.ToString(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out requestTime))
        {
            amzDate = requestTime.UtcDateTime.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture);
        }
        else
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
        }

        if (scope.Date != amzDate[..8])
        {
            throw HeaderMalformed($"the date in the credential scope '{scope.Date}' does not match the request date '{amzDate[..8]}'");
        }

        CheckRegionAndService(scope, expectation, HeaderMalformed);
        var now = time.GetUtcNow();
        if ((requestTime - now).Duration() > options.MaxClockSkew)
        {
            throw new S3Exception(S3ErrorCode.RequestTimeTooSkewed)
                .With("RequestTime", amzDate)
                .With("ServerTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
                .With("MaxAllowedSkewMilliseconds", ((long)options.MaxClockSkew.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }

        var payloadHash = PayloadHash(request, expectation);
        if (payloadHash.Length == 0)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Missing required header for this request: x-amz-content-sha256");
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host"))
        {
            throw HeaderMalformed("the host header must be signed");
        }

        var found = await FindCredentialAsync(scope.AccessKeyId, request, query, cancellationToken).ConfigureAwait(false);
        var signing = Verify(request, found, scope, amzDate, rawPath, SigV4.CanonicalQuery(query.Items), names, payloadHash, signature);
        RecordUse(found, scope.Service, scope.Region);
        return expectation.BodyHash is null ? WrapBody(request, payloadHash, found, signing, AuthScheme.HeaderV4, requestTime) : Buffered(found, AuthScheme.HeaderV4, requestTime);
    }

    private async Task<AuthenticatedRequest> FromQueryAsync(HttpRequest request, string rawPath, QueryParameters query, Expectation expectation, CancellationToken cancellationToken)
    {
        var algorithm = query.Get("X-Amz-Algorithm");
        var credential = query.Get("X-Amz-Credential");
        var amzDate = query.Get("X-Amz-Date");
        var expiresText = query.Get("X-Amz-Expires");
        var signedHeaders = query.Get("X-Amz-SignedHeaders");
        var signature = query.Get("X-Amz-Signature");
        if (algorithm != SigV4.Algorithm)
        {
            throw QueryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }

        if (credential is null || amzDate is null || expiresText is null || signedHeaders is null || signature is null)
        {
            throw QueryError("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }

        var scope = ParseCredential(credential, QueryError);
        var requestTime = ParseAmzDate(amzDate) ?? throw QueryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires < 1)
        {
            throw QueryError("X-Amz-Expires should be a number");
        }

        if (expires > MaxPresignExpiry)
        {
            throw QueryError("X-Amz-Expires must be less than a week (in seconds) that is; 604800");
        }

        if (scope.Date != amzDate[..8])
        {
            throw QueryError($"Invalid credential date \"{scope.Date}\". This date is not the same as X-Amz-Date: \"{amzDate[..8]}\".");
        }

        CheckRegionAndService(scope, expectation, QueryError);
        var now = time.GetUtcNow();

        // A pre-signed URL is judged by its own validity window, never by the clock-skew rule.
        if (now > requestTime.AddSeconds(expires))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Request has expired")
                .With("X-Amz-Expires", expiresText)
                .With("Expires", requestTime.AddSeconds(expires).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
                .With("ServerTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }

        if (requestTime - now > options.MaxClockSkew)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Request is not valid yet");
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host"))
        {
            throw QueryError("the host header must be signed");
        }

        var found = await FindCredentialAsync(scope.AccessKeyId, request, query, cancellationToken).ConfigureAwait(false);
        var payloadHash = expectation.BodyHash is not null
            ? PayloadHash(request, expectation)
            : request.Headers["x-amz-content-sha256"].ToString() is { Length: > 0 } header ? header : SigV4.UnsignedPayload;
        var signing = Verify(request, found, scope, amzDate, rawPath, SigV4.CanonicalQuery(query.Items, exclude: "X-Amz-Signature"), names, payloadHash, signature);
        RecordUse(found, scope.Service, scope.Region);
        return expectation.BodyHash is null ? WrapBody(request, payloadHash, found, signing, AuthScheme.QueryV4, requestTime) : Buffered(found, AuthScheme.QueryV4, requestTime);
    }

    /// <summary>Recomputes the signature over the canonical request; returns what verifying aws-chunked bodies needs.</summary>
    private ChunkSigningContext Verify(HttpRequest request, Credential credential, CredentialScope scope, string amzDate, string rawPath, string canonicalQuery, string[] signedHeaders, string payloadHash, string signature)
    {
        var canonical = SigV4.CanonicalRequest(request.Method, CanonicalUri(rawPath), canonicalQuery, CanonicalHeaders(request, signedHeaders), payloadHash);
        var scopeText = SigV4.Scope(scope.Date, scope.Region, scope.Service);
        var stringToSign = SigV4.StringToSign(amzDate, scopeText, canonical);
        var signingKey = SigningKey(credential, scope);
        if (!SigV4.SignaturesEqual(SigV4.Signature(signingKey, stringToSign), signature))
        {
            throw SignatureMismatch(scope.AccessKeyId, stringToSign, canonical, signature);
        }

        return new ChunkSigningContext(signingKey, amzDate, scopeText, signature);
    }

    private static AuthenticatedRequest WrapBody(HttpRequest request, string payloadHash, Credential credential, ChunkSigningContext signing, AuthScheme scheme, DateTimeOffset signedAt)
    {
        Stream body = request.Body;
        AwsChunkedStream? chunked = null;
        switch (payloadHash)
        {
            case SigV4.UnsignedPayload:
                break;
            case SigV4.StreamingSigned:
                body = chunked = new AwsChunkedStream(body, signing, expectTrailer: false);
                break;
            case SigV4.StreamingSignedTrailer:
                body = chunked = new AwsChunkedStream(body, signing, expectTrailer: true);
                break;
            case SigV4.StreamingUnsignedTrailer:
                body = chunked = new AwsChunkedStream(body, signing: null, expectTrailer: true);
                break;
            default:
                if (payloadHash.Length != 64 || !payloadHash.All(char.IsAsciiHexDigit))
                {
                    throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-… or a valid sha256 value.");
                }

                var expected = Convert.FromHexString(payloadHash);
                body = new DigestVerifyingStream(body, new ChecksumHasher(ChecksumAlgorithm.Sha256), digest =>
                {
                    if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(digest, expected))
                    {
                        throw new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch)
                            .With("ClientComputedContentSHA256", payloadHash)
                            .With("S3ComputedContentSHA256", Convert.ToHexStringLower(digest));
                    }
                });
                break;
        }

        long? decodedLength = null;
        if (chunked is not null)
        {
            var decoded = request.Headers["x-amz-decoded-content-length"].ToString();
            if (decoded.Length > 0)
            {
                if (!long.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                {
                    throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-decoded-content-length is not a number.");
                }

                decodedLength = length;
            }
            else if (payloadHash == SigV4.StreamingSigned)
            {
                throw new S3Exception(S3ErrorCode.MissingContentLength, "You must provide the x-amz-decoded-content-length header.");
            }
        }

        return new AuthenticatedRequest
        {
            Principal = credential.Principal,
            AccessKeyId = credential.AccessKeyId,
            Body = body,
            Chunked = chunked,
            DecodedLength = decodedLength,
            Scheme = scheme,
            SignedAt = signedAt,
        };
    }

    /// <summary>Last use is tracked for long-term keys, as IAM reports it; sessions are short-lived.</summary>
    private void RecordUse(Credential credential, string service, string region)
    {
        if (!credential.Principal.IsTemporary)
        {
            keys.RecordUse(credential.AccessKeyId, service, region);
        }
    }

    /// <summary>
    /// The credential a request names: a long-term key, or an STS session key with its token
    /// (X-Amz-Security-Token, as a header or, in pre-signed URLs, a query parameter).
    /// </summary>
    private async Task<Credential> FindCredentialAsync(string accessKeyId, HttpRequest request, QueryParameters query, CancellationToken cancellationToken)
    {
        var token = request.Headers["x-amz-security-token"].ToString() is { Length: > 0 } header
            ? header
            : query.Get("X-Amz-Security-Token") ?? query.Get("x-amz-security-token");
        if (SessionTokens.IsSessionKey(accessKeyId))
        {
            if (token is null)
            {
                throw new S3Exception(S3ErrorCode.InvalidAccessKeyId).With("AWSAccessKeyId", accessKeyId);
            }

            try
            {
                return sessions.Open(accessKeyId, token);
            }
            catch (SessionTokenException e) when (e.Error == SessionTokenError.Expired)
            {
                throw new S3Exception(S3ErrorCode.ExpiredToken);
            }
            catch (SessionTokenException)
            {
                throw new S3Exception(S3ErrorCode.InvalidToken);
            }
        }

        // A long-term key never comes with a token; one that does was not made here.
        if (token is not null)
        {
            throw new S3Exception(S3ErrorCode.InvalidToken);
        }

        var credential = await keys.FindAsync(accessKeyId, cancellationToken).ConfigureAwait(false);
        if (credential is null || !credential.IsActiveAt(time.GetUtcNow()))
        {
            throw new S3Exception(S3ErrorCode.InvalidAccessKeyId).With("AWSAccessKeyId", accessKeyId);
        }

        return credential;
    }

    private byte[] SigningKey(Credential credential, CredentialScope scope)
    {
        var cacheKey = (credential.AccessKeyId, scope.Date, scope.Region, scope.Service);
        if (_signingKeys.TryGetValue(cacheKey, out var key))
        {
            return key;
        }

        if (_signingKeys.Count > 10_000)
        {
            _signingKeys.Clear();
        }

        key = SigV4.SigningKey(credential.Secret, scope.Date, scope.Region, scope.Service);
        _signingKeys[cacheKey] = key;
        return key;
    }

    /// <summary>
    /// The hash the canonical request carries: S3's x-amz-content-sha256 as sent, or for a
    /// buffered Query body its computed hash, which a header, when sent, must agree with.
    /// </summary>
    private static string PayloadHash(HttpRequest request, Expectation expectation)
    {
        var header = request.Headers["x-amz-content-sha256"].ToString();
        if (expectation.BodyHash is not { } computed)
        {
            return header;
        }

        if (header.Length > 0 && !header.Equals(computed, StringComparison.OrdinalIgnoreCase))
        {
            throw new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch)
                .With("ClientComputedContentSHA256", header)
                .With("S3ComputedContentSHA256", computed);
        }

        return computed;
    }

    private static AuthenticatedRequest Buffered(Credential credential, AuthScheme scheme, DateTimeOffset signedAt) =>
        new() { Principal = credential.Principal, AccessKeyId = credential.AccessKeyId, Body = Stream.Null, Scheme = scheme, SignedAt = signedAt };

    private void CheckRegionAndService(CredentialScope scope, Expectation expectation, Func<string, S3Exception> error)
    {
        if (scope.Service != expectation.Service)
        {
            throw error($"the service '{scope.Service}' is wrong; expecting '{expectation.Service}'");
        }

        if (scope.Region != options.Region && scope.Region != expectation.AlternateRegion)
        {
            throw error($"the region '{scope.Region}' is wrong; expecting '{options.Region}'").With("Region", options.Region);
        }
    }

    private string CanonicalUri(string rawPath) =>
        SigV4.UriEncode(QueryParameters.PercentDecode(rawPath), encodeSlash: false);

    private List<KeyValuePair<string, string>> CanonicalHeaders(HttpRequest request, string[] names)
    {
        var headers = new List<KeyValuePair<string, string>>(names.Length);
        foreach (var name in names)
        {
            var value = name == "host"
                ? ClientHost(request)
                : SigV4.CanonicalHeaderValue(string.Join(',', request.Headers[name].Select(v => SigV4.CanonicalHeaderValue(v ?? string.Empty))));
            headers.Add(new(name, value));
        }

        return headers;
    }

    /// <summary>
    /// The host the client addressed: a trusted proxy's X-Forwarded-Host, else the configured
    /// public host (unless Host names a bucket under it), else Host.
    /// </summary>
    public string ClientHost(HttpRequest request)
    {
        if (options.IsFromTrustedProxy(request.HttpContext)
            && request.Headers["X-Forwarded-Host"].ToString() is { Length: > 0 } forwarded)
        {
            return forwarded.Split(',')[0].Trim();
        }

        var host = request.Host.Value ?? string.Empty;
        if (options.PublicHost is { } publicHost && !host.EndsWith("." + publicHost, StringComparison.OrdinalIgnoreCase))
        {
            return publicHost;
        }

        return host;
    }

    private static CredentialScope ParseCredential(string credential, Func<string, S3Exception> error)
    {
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[4] != "aws4_request" || parts[1].Length != 8 || parts[0].Length == 0)
        {
            throw error($"the Credential '{credential}' is not of the form ACCESSKEY/DATE/REGION/SERVICE/aws4_request");
        }

        return new CredentialScope(parts[0], parts[1], parts[2], parts[3]);
    }

    private static DateTimeOffset? ParseAmzDate(string value) =>
        value.Length == 16 && DateTimeOffset.TryParseExact(value, SigV4.AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : null;

    private static S3Exception HeaderMalformed(string detail) =>
        new(S3ErrorCode.AuthorizationHeaderMalformed, "The authorization header is malformed; " + detail);

    private static S3Exception QueryError(string detail) => new(S3ErrorCode.AuthorizationQueryParametersError, detail);

    private static S3Exception SignatureMismatch(string accessKeyId, string stringToSign, string canonical, string provided) =>
        new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
            .With("AWSAccessKeyId", accessKeyId)
            .With("StringToSign", stringToSign)
            .With("SignatureProvided", provided)
            .With("CanonicalRequest", canonical);

    private sealed record CredentialScope(string AccessKeyId, string Date, string Region, string Service);

    /// <summary>What a front-end accepts: its service name, a region besides the configured one, and a buffered body's hash.</summary>
    private sealed record Expectation(string Service, string? AlternateRegion, string? BodyHash);
}
