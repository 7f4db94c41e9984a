using Coffer.Identity;

namespace Coffer.Protocol.Auth;

/// <summary>How a request was signed, as the s3:authType and s3:signatureversion condition keys see it.</summary>
internal enum AuthScheme
{
    Anonymous,
    HeaderV4,
    QueryV4,
    HeaderV2,
    QueryV2,
}

/// <summary>The outcome of authentication: who is asking, and the body as it may be read (decoded and verifying).</summary>
internal sealed class AuthenticatedRequest
{
    public Principal? Principal { get; init; }

    public string? AccessKeyId { get; init; }

    public AuthScheme Scheme { get; init; }

    /// <summary>When the request (or pre-signed URL) was signed, for s3:signatureAge.</summary>
    public DateTimeOffset? SignedAt { get; init; }

    public required Stream Body { get; init; }

    /// <summary>The aws-chunked decoder, when the body is aws-chunked; it holds the trailers.</summary>
    public AwsChunkedStream? Chunked { get; init; }

    /// <summary>Decoded length of an aws-chunked body (x-amz-decoded-content-length).</summary>
    public long? DecodedLength { get; init; }
}
