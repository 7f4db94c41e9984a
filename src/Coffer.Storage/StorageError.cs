namespace Coffer.Storage;

/// <summary>Domain failures of the storage layer; the protocol front-end maps them to wire errors.</summary>
public enum StorageError
{
    NoSuchBucket,
    NoSuchKey,
    BucketAlreadyExists,
    BucketNotEmpty,
    PreconditionFailed,
    BadDigest,
    EntityTooLarge,
    IncompleteBody,
    NoSuchUpload,
    InvalidPart,
    InvalidPartOrder,
    EntityTooSmall,
    NoSuchVersion,

    /// <summary>The version is under object lock retention or a legal hold that the request may not override.</summary>
    ObjectLocked,

    /// <summary>The bucket's state forbids the change, e.g. suspending versioning under object lock.</summary>
    InvalidBucketState,
}
