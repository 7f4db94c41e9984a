namespace Coffer.Protocol.S3;

/// <summary>The IAM action each operation is authorised as.</summary>
public static class S3Actions
{
    public static string For(S3Operation operation) => operation switch
    {
        S3Operation.ListBuckets => "s3:ListAllMyBuckets",
        S3Operation.CreateBucket => "s3:CreateBucket",
        S3Operation.HeadBucket => "s3:ListBucket",
        S3Operation.DeleteBucket => "s3:DeleteBucket",
        S3Operation.GetBucketLocation => "s3:GetBucketLocation",
        S3Operation.ListObjects or S3Operation.ListObjectsV2 => "s3:ListBucket",
        S3Operation.DeleteObjects or S3Operation.DeleteObject => "s3:DeleteObject",
        S3Operation.PutObject or S3Operation.CopyObject or S3Operation.CreateMultipartUpload
            or S3Operation.UploadPart or S3Operation.UploadPartCopy or S3Operation.CompleteMultipartUpload => "s3:PutObject",
        S3Operation.GetObject or S3Operation.HeadObject => "s3:GetObject",
        S3Operation.AbortMultipartUpload => "s3:AbortMultipartUpload",
        S3Operation.ListParts => "s3:ListMultipartUploadParts",
        S3Operation.ListMultipartUploads => "s3:ListBucketMultipartUploads",
        S3Operation.PutBucketPolicy => "s3:PutBucketPolicy",
        S3Operation.GetBucketPolicy => "s3:GetBucketPolicy",
        S3Operation.DeleteBucketPolicy => "s3:DeleteBucketPolicy",
        S3Operation.GetBucketPolicyStatus => "s3:GetBucketPolicyStatus",
        S3Operation.PutPublicAccessBlock or S3Operation.DeletePublicAccessBlock => "s3:PutBucketPublicAccessBlock",
        S3Operation.GetPublicAccessBlock => "s3:GetBucketPublicAccessBlock",
        S3Operation.PutBucketOwnershipControls or S3Operation.DeleteBucketOwnershipControls => "s3:PutBucketOwnershipControls",
        S3Operation.GetBucketOwnershipControls => "s3:GetBucketOwnershipControls",
        S3Operation.GetBucketAcl => "s3:GetBucketAcl",
        S3Operation.PutBucketAcl => "s3:PutBucketAcl",
        S3Operation.GetObjectAcl => "s3:GetObjectAcl",
        S3Operation.PutObjectAcl => "s3:PutObjectAcl",
        S3Operation.PutBucketEncryption or S3Operation.DeleteBucketEncryption => "s3:PutEncryptionConfiguration",
        S3Operation.GetBucketEncryption => "s3:GetEncryptionConfiguration",
        S3Operation.PutBucketVersioning => "s3:PutBucketVersioning",
        S3Operation.GetBucketVersioning => "s3:GetBucketVersioning",
        S3Operation.ListObjectVersions => "s3:ListBucketVersions",
        S3Operation.PutObjectTagging => "s3:PutObjectTagging",
        S3Operation.GetObjectTagging => "s3:GetObjectTagging",
        S3Operation.DeleteObjectTagging => "s3:DeleteObjectTagging",
        S3Operation.PutObjectLockConfiguration => "s3:PutBucketObjectLockConfiguration",
        S3Operation.GetObjectLockConfiguration => "s3:GetBucketObjectLockConfiguration",
        S3Operation.PutObjectRetention => "s3:PutObjectRetention",
        S3Operation.GetObjectRetention => "s3:GetObjectRetention",
        S3Operation.PutObjectLegalHold => "s3:PutObjectLegalHold",
        S3Operation.GetObjectLegalHold => "s3:GetObjectLegalHold",

        // As in IAM: removing the configuration is putting none.
        S3Operation.PutBucketLifecycleConfiguration or S3Operation.DeleteBucketLifecycle => "s3:PutLifecycleConfiguration",
        S3Operation.GetBucketLifecycleConfiguration => "s3:GetLifecycleConfiguration",
        _ => "s3:Unknown",
    };

    /// <summary>
    /// The action of an operation on one named version (a versionId in the query): reading or
    /// deleting a specific version is its own permission in S3.
    /// </summary>
    public static string For(S3Operation operation, bool namesVersion) => (operation, namesVersion) switch
    {
        (S3Operation.GetObject or S3Operation.HeadObject, true) => "s3:GetObjectVersion",
        (S3Operation.DeleteObject, true) => "s3:DeleteObjectVersion",
        (S3Operation.PutObjectTagging, true) => "s3:PutObjectVersionTagging",
        (S3Operation.GetObjectTagging, true) => "s3:GetObjectVersionTagging",
        (S3Operation.DeleteObjectTagging, true) => "s3:DeleteObjectVersionTagging",
        _ => For(operation),
    };
}
