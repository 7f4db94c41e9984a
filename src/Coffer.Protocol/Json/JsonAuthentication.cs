using Coffer.Protocol.S3;

namespace Coffer.Protocol.Json;

/// <summary>Authentication failures (raised in S3's terms by the shared authenticator) as the JSON APIs name them.</summary>
internal static class JsonAuthentication
{
    public static JsonProtocolException Map(S3Exception e) => e.Code switch
    {
        S3ErrorCode.InvalidAccessKeyId or S3ErrorCode.InvalidToken => new("UnrecognizedClientException", "The security token included in the request is invalid."),
        S3ErrorCode.SignatureDoesNotMatch or S3ErrorCode.XAmzContentSHA256Mismatch => new(
            "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."),
        S3ErrorCode.RequestTimeTooSkewed => new("InvalidSignatureException", "Signature expired: the request time is too far from the server's time."),
        S3ErrorCode.ExpiredToken => new("ExpiredTokenException", "The security token included in the request is expired"),
        S3ErrorCode.AccessDenied when e.Message.Contains("expired", StringComparison.OrdinalIgnoreCase) => new("ExpiredTokenException", "The request has expired."),
        _ => new("IncompleteSignatureException", e.Message),
    };
}
