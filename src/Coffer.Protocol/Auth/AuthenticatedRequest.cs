using Coffer.Identity;

namespace Coffer.Protocol.Auth;

/// <summary>The outcome of authentication: who is asking, and the body as it may be read (decoded and verifying).</summary>
internal sealed class AuthenticatedRequest
{
    public Principal? Principal { get; init; }

    public string? AccessKeyId { get; init; }

    public required Stream Body { get; init; }

    /// <summary>The aws-chunked decoder, when the body is aws-chunked; it holds the trailers.</summary>
    public AwsChunkedStream? Chunked { get; init; }

    /// <summary>Decoded length of an aws-chunked body (x-amz-decoded-content-length).</summary>
    public long? DecodedLength { get; init; }
}
