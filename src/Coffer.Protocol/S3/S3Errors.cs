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
        S3ErrorCode.NoSuchUpload => (404, "The specified multipart upload does not exist. The upload ID might not be valid, or the multipart upload might have been aborted or completed."),
        S3ErrorCode.InvalidPart => (400, "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."),
        S3ErrorCode.InvalidPartOrder => (400, "The list of parts was not in ascending order. The parts list must be specified in order by part number."),
        S3ErrorCode.EntityTooSmall => (400, "Your proposed upload is smaller than the minimum allowed object size."),
        S3ErrorCode.InvalidPartNumber => (416, "The requested partnumber is not satisfiable"),
        S3ErrorCode.MalformedPolicy => (400, "Policies must be valid JSON and the first byte must be '{'"),
        S3ErrorCode.NoSuchBucketPolicy => (404, "The bucket policy does not exist"),
        S3ErrorCode.NoSuchPublicAccessBlockConfiguration => (404, "The public access block configuration was not found"),
        S3ErrorCode.NoSuchLifecycleConfiguration => (404, "The lifecycle configuration does not exist"),
        S3ErrorCode.AccessControlListNotSupported => (400, "The bucket does not allow ACLs"),
        S3ErrorCode.InvalidToken => (400, "The provided token is malformed or otherwise invalid."),
        S3ErrorCode.ExpiredToken => (400, "The provided token has expired."),
        S3ErrorCode.InvalidTag => (400, "The tag provided was not a valid tag."),
        S3ErrorCode.BadRequest => (400, "Bad Request"),
        S3ErrorCode.KmsDisabled => (400, "The KMS key used to encrypt this object is disabled."),
        S3ErrorCode.KmsNotFound => (400, "The KMS key does not exist, or its key material was deleted."),
        S3ErrorCode.KmsInvalidState => (400, "The KMS key is not in a state that allows this request."),
        S3ErrorCode.NoSuchVersion => (404, "The specified version does not exist."),
        _ => (500, "We encountered an internal error. Please try again."),
    };

    /// <summary>The code as written on the wire: the enum's name, except S3's dotted KMS codes.</summary>
    public static string WireName(S3ErrorCode code) => code switch
    {
        S3ErrorCode.KmsDisabled => "KMS.DisabledException",
        S3ErrorCode.KmsNotFound => "KMS.NotFoundException",
        S3ErrorCode.KmsInvalidState => "KMS.KMSInvalidStateException",
        _ => code.ToString(),
    };
}
