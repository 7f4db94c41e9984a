namespace Coffer.Protocol.S3;

/// <summary>Every S3 operation the router recognises, named as in the S3 API reference.</summary>
public enum S3Operation
{
    Unknown,
    ListBuckets,
    CreateBucket,
    HeadBucket,
    DeleteBucket,
    GetBucketLocation,
    ListObjects,
    ListObjectsV2,
    DeleteObjects,
    PutObject,
    CopyObject,
    GetObject,
    HeadObject,
    DeleteObject,
    CreateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListParts,
    ListMultipartUploads,
    PutBucketPolicy,
    GetBucketPolicy,
    DeleteBucketPolicy,
    GetBucketPolicyStatus,
    PutBucketEncryption,
    GetBucketEncryption,
    DeleteBucketEncryption,
    PutBucketVersioning,
    GetBucketVersioning,
    ListObjectVersions,

    /// <summary>A bucket or object sub-resource Coffer does not implement (acl, policy, tagging, …): 501.</summary>
    UnsupportedSubresource,
}
