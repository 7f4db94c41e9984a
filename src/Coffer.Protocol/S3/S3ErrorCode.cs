namespace Coffer.Protocol.S3;

/// <summary>S3 error codes; each name is the code written on the wire.</summary>
public enum S3ErrorCode
{
    AccessDenied,
    AuthorizationHeaderMalformed,
    AuthorizationQueryParametersError,
    BadDigest,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    EntityTooLarge,
    IncompleteBody,
    InternalError,
    InvalidAccessKeyId,
    InvalidArgument,
    InvalidBucketName,
    InvalidDigest,
    InvalidLocationConstraint,
    InvalidRange,
    InvalidRequest,
    KeyTooLongError,
    MalformedXML,
    MetadataTooLarge,
    MethodNotAllowed,
    MissingContentLength,
    MissingSecurityHeader,
    NoSuchBucket,
    NoSuchKey,
    NotImplemented,
    NotModified,
    PreconditionFailed,
    RequestHeaderSectionTooLarge,
    RequestTimeTooSkewed,
    SignatureDoesNotMatch,
    XAmzContentSHA256Mismatch,
    InvalidChunkSizeError,
    InvalidURI,
    ServiceUnavailable,
    UnsupportedSignature,
    NoSuchUpload,
    InvalidPart,
    InvalidPartOrder,
    EntityTooSmall,
    InvalidPartNumber,
    MalformedPolicy,
    NoSuchBucketPolicy,
    NoSuchPublicAccessBlockConfiguration,
    AccessControlListNotSupported,
    InvalidToken,
    ExpiredToken,

    /// <summary>Written KMS.DisabledException: the object's KMS key is disabled.</summary>
    KmsDisabled,

    /// <summary>Written KMS.NotFoundException: no such KMS key, or its material was destroyed.</summary>
    KmsNotFound,

    /// <summary>Written KMS.KMSInvalidStateException: e.g. the key is pending deletion.</summary>
    KmsInvalidState,

    NoSuchVersion,
    InvalidTag,

    /// <summary>S3's generic 400, e.g. more than 10 tags on an object.</summary>
    BadRequest,
    InvalidBucketState,
    ObjectLockConfigurationNotFoundError,
    NoSuchObjectLockConfiguration,

    NoSuchLifecycleConfiguration,
}
