using Coffer.Protocol.S3;

namespace Coffer.Protocol.Query;

/// <summary>Authentication failures (raised in S3's terms by the shared authenticator) as the Query APIs name them.</summary>
internal static class QueryAuthentication
{
    public static QueryException Map(S3Exception e) => e.Code switch
    {
        S3ErrorCode.InvalidAccessKeyId => new QueryException("InvalidClientTokenId", 403, "The security token included in the request is invalid."),
        S3ErrorCode.SignatureDoesNotMatch or S3ErrorCode.XAmzContentSHA256Mismatch => new QueryException(
            "SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."),
        S3ErrorCode.RequestTimeTooSkewed => new QueryException("SignatureDoesNotMatch", 403, "Signature expired: the request time is too far from the server's time."),
        S3ErrorCode.ExpiredToken => new QueryException("ExpiredToken", 400, "The security token included in the request is expired"),
        S3ErrorCode.InvalidToken => new QueryException("InvalidClientTokenId", 403, "The security token included in the request is invalid."),
        S3ErrorCode.AccessDenied when e.Message.Contains("expired", StringComparison.OrdinalIgnoreCase) => new QueryException("ExpiredToken", 403, "The request has expired."),
        _ => new QueryException("IncompleteSignature", 400, e.Message),
    };
}
