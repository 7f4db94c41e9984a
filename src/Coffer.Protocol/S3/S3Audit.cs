using System.Text.Json.Nodes;
using Coffer.Audit.Records;
using Coffer.Protocol.Audit;
using Coffer.Protocol.Http;

namespace Coffer.Protocol.S3;

/// <summary>How an S3 request appears in the audit trail: CloudTrail's event names, data-event split, parameters and resources.</summary>
internal static class S3Audit
{
    /// <summary>Response headers CloudTrail copies into a successful write's responseElements.</summary>
    private static readonly string[] WriteResponseHeaders =
    [
        "x-amz-version-id", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-server-side-encryption-customer-algorithm", "x-amz-delete-marker",
    ];

    public static void Describe(RequestAudit audit, S3Operation operation, string? bucket, string? key, string host, QueryParameters query, string? accountId)
    {
        var name = EventName(operation);
        audit.EventName = name;
        audit.ReadOnly = name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("Head", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal);
        audit.DataEvent = IsDataEvent(operation);
        audit.ResponseHeaderElements = audit.ReadOnly ? null : WriteResponseHeaders;
        audit.RequestParameters = Parameters(bucket, key, host, query);
        audit.Resources = Resources(bucket, key, accountId);
    }

    /// <summary>CloudTrail's names where they differ from the API's (ListObjectsV2 is logged as ListObjects).</summary>
    public static string EventName(S3Operation operation) => operation switch
    {
        S3Operation.ListObjectsV2 => "ListObjects",
        S3Operation.PutBucketLifecycleConfiguration => "PutBucketLifecycle",
        S3Operation.GetBucketLifecycleConfiguration => "GetBucketLifecycle",
        S3Operation.PutPublicAccessBlock => "PutBucketPublicAccessBlock",
        S3Operation.GetPublicAccessBlock => "GetBucketPublicAccessBlock",
        S3Operation.DeletePublicAccessBlock => "DeleteBucketPublicAccessBlock",
        S3Operation.UnsupportedSubresource => "Unknown",
        _ => operation.ToString(),
    };

    private static bool IsDataEvent(S3Operation operation) => operation is
        S3Operation.GetObject or S3Operation.HeadObject or S3Operation.PutObject or S3Operation.CopyObject
        or S3Operation.DeleteObject or S3Operation.DeleteObjects
        or S3Operation.CreateMultipartUpload or S3Operation.UploadPart or S3Operation.UploadPartCopy
        or S3Operation.CompleteMultipartUpload or S3Operation.AbortMultipartUpload or S3Operation.ListParts
        or S3Operation.ListObjects or S3Operation.ListObjectsV2 or S3Operation.ListObjectVersions
        or S3Operation.GetObjectAcl or S3Operation.PutObjectAcl
        or S3Operation.GetObjectTagging or S3Operation.PutObjectTagging or S3Operation.DeleteObjectTagging
        or S3Operation.GetObjectRetention or S3Operation.PutObjectRetention
        or S3Operation.GetObjectLegalHold or S3Operation.PutObjectLegalHold;

    /// <summary>
    /// bucketName, Host, key and every query parameter (a sub-resource as ""), as CloudTrail writes S3's;
    /// the pre-signing parameters are left out, being credentials rather than the request.
    /// </summary>
    public static JsonObject Parameters(string? bucket, string? key, string host, QueryParameters query)
    {
        var parameters = new JsonObject();
        if (bucket is not null)
        {
            parameters["bucketName"] = bucket;
        }

        parameters["Host"] = host;
        if (key is not null)
        {
            parameters["key"] = key;
        }

        foreach (var (name, value) in query.Items)
        {
            if (name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) || name is "AWSAccessKeyId" or "Signature" or "Expires")
            {
                continue;
            }

            parameters[name] = value;
        }

        return parameters;
    }

    public static IReadOnlyList<AuditResource>? Resources(string? bucket, string? key, string? accountId)
    {
        if (bucket is null)
        {
            return null;
        }

        var bucketResource = new AuditResource { AccountId = accountId, Type = "AWS::S3::Bucket", Arn = "arn:aws:s3:::" + bucket };
        return key is null
            ? [bucketResource]
            : [new AuditResource { Type = "AWS::S3::Object", Arn = $"arn:aws:s3:::{bucket}/{key}" }, bucketResource];
    }
}
