using Coffer.Protocol.Http;

namespace Coffer.Protocol.S3;

/// <summary>Which operation a request is, on which bucket and key, decided once per request.</summary>
public readonly record struct S3Route(S3Operation Operation, string? Bucket, string? Key)
{
    private static readonly string[] UnsupportedSubresources =
    [
        "accelerate", "acl", "analytics", "attributes", "cors", "encryption", "intelligent-tiering", "inventory",
        "legal-hold", "lifecycle", "logging", "metadataTable", "metrics", "notification", "object-lock",
        "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
        "restore", "retention", "select", "tagging", "torrent", "versioning", "versions", "website", "renameObject",
    ];

    /// <summary>The unsupported sub-resource a request names, for the error message.</summary>
    public static string? UnsupportedSubresource(Http.QueryParameters query) =>
        UnsupportedSubresources.FirstOrDefault(query.Has);

    /// <summary>
    /// Splits the target into bucket and key. Virtual-hosted style when the Host is
    /// <c>bucket.{suffix}</c> for one of <paramref name="hostSuffixes"/>; path style otherwise.
    /// <paramref name="rawPath"/> is the path exactly as sent, still percent-encoded.
    /// </summary>
    public static (string? Bucket, string? Key) SplitPath(string rawPath, string? host, IReadOnlyList<string> hostSuffixes)
    {
        var path = QueryParameters.PercentDecode(rawPath);
        if (!path.StartsWith('/'))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The request target is not an absolute path.");
        }

        var hostBucket = BucketFromHost(host, hostSuffixes);
        if (hostBucket is not null)
        {
            var key = path.Length > 1 ? path[1..] : null;
            return (hostBucket, key);
        }

        if (path.Length == 1)
        {
            return (null, null);
        }

        var slash = path.IndexOf('/', 1);
        if (slash < 0)
        {
            return (path[1..], null);
        }

        var objectKey = path[(slash + 1)..];
        return (path[1..slash], objectKey.Length == 0 ? null : objectKey);
    }

    /// <summary>The bucket a virtual-hosted-style Host names, or null for path style.</summary>
    public static string? BucketFromHost(string? host, IReadOnlyList<string> hostSuffixes)
    {
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }

        var colon = host.LastIndexOf(':');
        var name = colon > 0 && !host.EndsWith(']') ? host[..colon] : host;
        foreach (var suffix in hostSuffixes)
        {
            if (name.Length > suffix.Length + 1
                && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && name[name.Length - suffix.Length - 1] == '.')
            {
                return name[..(name.Length - suffix.Length - 1)];
            }
        }

        return null;
    }

    private static S3Operation? BucketConfigurationOperation(string method, QueryParameters query) => method switch
    {
        "GET" when query.Has("policyStatus") => S3Operation.GetBucketPolicyStatus,
        "GET" when query.Has("policy") => S3Operation.GetBucketPolicy,
        "PUT" when query.Has("policy") => S3Operation.PutBucketPolicy,
        "DELETE" when query.Has("policy") => S3Operation.DeleteBucketPolicy,
        "GET" when query.Has("publicAccessBlock") => S3Operation.GetPublicAccessBlock,
        "PUT" when query.Has("publicAccessBlock") => S3Operation.PutPublicAccessBlock,
        "DELETE" when query.Has("publicAccessBlock") => S3Operation.DeletePublicAccessBlock,
        "GET" when query.Has("ownershipControls") => S3Operation.GetBucketOwnershipControls,
        "PUT" when query.Has("ownershipControls") => S3Operation.PutBucketOwnershipControls,
        "DELETE" when query.Has("ownershipControls") => S3Operation.DeleteBucketOwnershipControls,
        "GET" when query.Has("acl") => S3Operation.GetBucketAcl,
        "PUT" when query.Has("acl") => S3Operation.PutBucketAcl,
        "GET" when query.Has("encryption") => S3Operation.GetBucketEncryption,
        "PUT" when query.Has("encryption") => S3Operation.PutBucketEncryption,
        "DELETE" when query.Has("encryption") => S3Operation.DeleteBucketEncryption,
        "GET" when query.Has("object-lock") => S3Operation.GetObjectLockConfiguration,
        "PUT" when query.Has("object-lock") => S3Operation.PutObjectLockConfiguration,
        "GET" when query.Has("lifecycle") => S3Operation.GetBucketLifecycleConfiguration,
        "PUT" when query.Has("lifecycle") => S3Operation.PutBucketLifecycleConfiguration,
        "DELETE" when query.Has("lifecycle") => S3Operation.DeleteBucketLifecycle,
        _ => null,
    };

    private static S3Operation? VersioningOperation(string method, QueryParameters query) => method switch
    {
        "GET" when query.Has("versioning") => S3Operation.GetBucketVersioning,
        "PUT" when query.Has("versioning") => S3Operation.PutBucketVersioning,
        "GET" when query.Has("versions") => S3Operation.ListObjectVersions,
        _ => null,
    };

    private static S3Operation? ObjectAclOperation(string method, QueryParameters query) => method switch
    {
        "GET" when query.Has("acl") => S3Operation.GetObjectAcl,
        "PUT" when query.Has("acl") => S3Operation.PutObjectAcl,
        _ => null,
    };

    private static S3Operation? ObjectTaggingOperation(string method, QueryParameters query) => method switch
    {
        "GET" when query.Has("tagging") => S3Operation.GetObjectTagging,
        "PUT" when query.Has("tagging") => S3Operation.PutObjectTagging,
        "DELETE" when query.Has("tagging") => S3Operation.DeleteObjectTagging,
        _ => null,
    };

    private static S3Operation? ObjectLockOperation(string method, QueryParameters query) => method switch
    {
        "GET" when query.Has("retention") => S3Operation.GetObjectRetention,
        "PUT" when query.Has("retention") => S3Operation.PutObjectRetention,
        "GET" when query.Has("legal-hold") => S3Operation.GetObjectLegalHold,
        "PUT" when query.Has("legal-hold") => S3Operation.PutObjectLegalHold,
        _ => null,
    };

    public static S3Operation Classify(string method, string? bucket, string? key, QueryParameters query, bool hasCopySource)
    {
        if (bucket is null)
        {
            return method is "GET" ? S3Operation.ListBuckets : S3Operation.Unknown;
        }

        if (key is null && VersioningOperation(method, query) is { } versioningOperation)
        {
            return versioningOperation;
        }

        if (key is null && BucketConfigurationOperation(method, query) is { } configurationOperation)
        {
            return configurationOperation;
        }

        if (key is not null && ObjectAclOperation(method, query) is { } aclOperation)
        {
            return aclOperation;
        }

        // Object tags only: ?tagging on a bucket (bucket tags) stays unsupported.
        if (key is not null && ObjectTaggingOperation(method, query) is { } taggingOperation)
        {
            return taggingOperation;
        }

        if (key is not null && ObjectLockOperation(method, query) is { } lockOperation)
        {
            return lockOperation;
        }

        foreach (var name in UnsupportedSubresources)
        {
            if (query.Has(name))
            {
                return S3Operation.UnsupportedSubresource;
            }
        }

        if (key is null)
        {
            return method switch
            {
                "GET" when query.Has("location") => S3Operation.GetBucketLocation,
                "GET" when query.Has("uploads") => S3Operation.ListMultipartUploads,
                "GET" when query.Get("list-type") == "2" => S3Operation.ListObjectsV2,
                "GET" => S3Operation.ListObjects,
                "PUT" => S3Operation.CreateBucket,
                "HEAD" => S3Operation.HeadBucket,
                "DELETE" => S3Operation.DeleteBucket,
                "POST" when query.Has("delete") => S3Operation.DeleteObjects,
                _ => S3Operation.Unknown,
            };
        }

        var uploadId = query.Has("uploadId");
        return method switch
        {
            "PUT" when uploadId && query.Has("partNumber") => hasCopySource ? S3Operation.UploadPartCopy : S3Operation.UploadPart,
            "PUT" when hasCopySource => S3Operation.CopyObject,
            "PUT" => S3Operation.PutObject,
            "GET" when uploadId => S3Operation.ListParts,
            "GET" => S3Operation.GetObject,
            "HEAD" => S3Operation.HeadObject,
            "DELETE" when uploadId => S3Operation.AbortMultipartUpload,
            "DELETE" => S3Operation.DeleteObject,
            "POST" when query.Has("uploads") => S3Operation.CreateMultipartUpload,
            "POST" when uploadId => S3Operation.CompleteMultipartUpload,
            _ => S3Operation.Unknown,
        };
    }
}
