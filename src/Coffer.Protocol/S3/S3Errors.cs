namespace Coffer.Protocol.S3;

/// <summary>Each error code's HTTP status and default message, as in the S3 error-code table.</summary>
internal static class S3Errors
{
    public static (int Status, string Message) Describe(S3ErrorCode code) => code switch
    {
        S3ErrorCode.AccessDenied => (403, "Access Denied"),
        S3ErrorCode.AuthorizationHeaderMalformed => (400, "The authorization header is malformed."),
        S3ErrorCode.AuthorizationQueryParametersError => (400, "Error parsing the X-Amz-Credential parameter."),
        S3ErrorCode.BadDigest => (400, "The Content-MD5 you specified did not match what we received."),
        S3ErrorCode.BucketAlreadyExists => (409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."),
        S3ErrorCode.BucketAlreadyOwnedByYou => (409, "Your previous request to create the named bucket succeeded and you already own it."),
        S3ErrorCode.BucketNotEmpty => (409, "The bucket you tried to delete is not empty"),
        S3ErrorCode.EntityTooLarge => (400, "Your proposed upload exceeds the maximum allowed size"),
        S3ErrorCode.IncompleteBody => (400, "You did not provide the number of bytes specified by the Content-Length HTTP header."),
        S3ErrorCode.InternalError => (500, "We encountered an internal error. Please try again."),
        S3ErrorCode.InvalidAccessKeyId => (403, "The AWS Access Key Id you provided does not exist in our records."),
        S3ErrorCode.InvalidArgument => (400, "Invalid Argument"),
        S3ErrorCode.InvalidBucketName => (400, "The specified bucket is not valid."),
        S3ErrorCode.InvalidDigest => (400, "The Content-MD5 you specified is not valid."),
        S3ErrorCode.InvalidLocationConstraint => (400, "The specified location-constraint is not valid"),
        S3ErrorCode.InvalidRange => (416, "The requested range is not satisfiable"),
        S3ErrorCode.InvalidRequest => (400, "Invalid Request"),
        S3ErrorCode.KeyTooLongError => (400, "Your key is too long"),
        S3ErrorCode.MalformedXML => (400, "The XML you provided was not well-formed or did not validate against our published schema"),
        S3ErrorCode.MetadataTooLarge => (400, "Your metadata headers exceed the maximum allowed metadata size"),
        S3ErrorCode.MethodNotAllowed => (405, "The specified method is not allowed against this resource."),
        S3ErrorCode.MissingContentLength => (411, "You must provide the Content-Length HTTP header."),
        S3ErrorCode.MissingSecurityHeader => (400, "Your request was missing a required header"),
        S3ErrorCode.NoSuchBucket => (404, "The specified bucket does not exist"),
        S3ErrorCode.NoSuchKey => (404, "The specified key does not exist."),
        S3ErrorCode.NotImplemented => (501, "A header you provided implies functionality that is not implemented"),
        S3ErrorCode.NotModified => (304, "Not Modified"),
        S3ErrorCode.PreconditionFailed => (412, "At least one of the pre-conditions you specified did not hold"),
        S3ErrorCode.RequestHeaderSectionTooLarge => (400, "Your request header section exceeds the maximum allowed size."),
        S3ErrorCode.RequestTimeTooSkewed => (403, "The difference between the request time and the current time is too large."),
        S3ErrorCode.SignatureDoesNotMatch => (403, "The request signature we calculated does not match the signature you provided. Check your key and signing method."),
        S3ErrorCode.XAmzContentSHA256Mismatch => (400, "The provided 'x-amz-content-sha256' header does not match what was computed."),
        S3ErrorCode.InvalidURI => (400, "Couldn't parse the specified URI."),
        S3ErrorCode.InvalidChunkSizeError => (403, "Only the last chunk is allowed to have a size less than 8192 bytes"),
        S3ErrorCode.ServiceUnavailable => (503, "Please reduce your request rate."),
        S3ErrorCode.UnsupportedSignature => (400, "The provided request is signed with an unsupported STS Token version or the signature version is not supported."),
        _ => (500, "We encountered an internal error. Please try again."),
    };
}
