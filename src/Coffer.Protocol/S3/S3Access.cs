using System.Globalization;
using Coffer.Identity;
using Coffer.Policy;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Authorization;
using Coffer.Protocol.Http;

namespace Coffer.Protocol.S3;

/// <summary>
/// Authorises S3 requests: each operation as the action AWS documents for it, on the bucket or
/// object ARN, with the caller's identity policies and the bucket's policy, before any handler runs.
/// </summary>
internal sealed class S3Access(Authorizer authorizer, BucketConfigCache<PolicySource> policies, PublicAccessBlocks blocks, Storage.IMetadataStore metadata, TimeProvider time)
{
    /// <summary>Every bucket in the account, as s3:ListAllMyBuckets is granted.</summary>
    public const string AllBuckets = "arn:aws:s3:::*";

    private const string ExistingObjectTagPrefix = "s3:ExistingObjectTag/";

    public static string Arn(string bucket, string? key = null) =>
        key is null ? "arn:aws:s3:::" + bucket : "arn:aws:s3:::" + bucket + "/" + key;

    /// <summary>Throws AccessDenied unless the request as a whole is allowed.</summary>
    public async Task AuthorizeAsync(S3Context context)
    {
        var principal = context.Auth.Principal;
        switch (context.Operation)
        {
            case S3Operation.Unknown or S3Operation.UnsupportedSubresource:
                // Nothing will be done; the caller only learns that it cannot be, once identified.
                if (principal is null)
                {
                    throw new S3Exception(S3ErrorCode.AccessDenied);
                }

                return;
            case S3Operation.DeleteObjects when principal is not null:
                // Authorised key by key, as s3:DeleteObject on each object.
                return;
            case S3Operation.DeleteObjects:
                // A batch delete is never granted to anyone anonymous.
                throw new S3Exception(S3ErrorCode.AccessDenied);
            case S3Operation.PutObjectTagging:
                // Authorised by the handler once the Tagging document is read, so that
                // s3:RequestObjectTag/* and s3:RequestObjectTagKeys can be evaluated: see AuthorizeTaggingAsync.
                return;
            case S3Operation.PutBucketPolicy or S3Operation.GetBucketPolicy or S3Operation.DeleteBucketPolicy when principal is { IsRoot: true }:
                // The account root can always repair a bucket policy that locks everyone out.
                return;
        }

        var resource = context.Bucket is null ? AllBuckets : Arn(context.Bucket, context.Key);
        await DemandAsync(context, S3Actions.For(context.Operation, context.Query.Has("versionId")), context.Bucket, resource).ConfigureAwait(false);
        if (context.CopySource is { } source)
        {
            var sourceAction = context.CopySourceVersionId is null ? "s3:GetObject" : "s3:GetObjectVersion";
            await DemandAsync(context, sourceAction, source.Bucket, Arn(source.Bucket, source.Key)).ConfigureAwait(false);
        }
    }

    /// <summary>Authorises PutObjectTagging with the tags of its body as the request's tags (null when the body did not parse).</summary>
    public Task AuthorizeTaggingAsync(S3Context context, IReadOnlyList<KeyValuePair<string, string>>? tags)
    {
        context.ConditionKeys ??= Keys(context);
        if (tags is not null)
        {
            SetRequestTags(context.ConditionKeys, tags);
        }

        return DemandAsync(context, S3Actions.For(context.Operation, context.Query.Has("versionId")), context.Bucket, Arn(context.BucketName, context.ObjectKey));
    }

    public async Task DemandAsync(S3Context context, string action, string? bucket, string resource)
    {
        if (!await AllowsAsync(context, action, bucket, resource).ConfigureAwait(false))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied);
        }
    }

    public async ValueTask<bool> AllowsAsync(S3Context context, string action, string? bucket, string resource)
    {
        var bucketPolicy = bucket is null ? null : await policies.GetAsync(bucket, context.Aborted).ConfigureAwait(false);

        // Root answers to nothing but a bucket policy's explicit deny; without one there is nothing to ask.
        if (bucketPolicy is null && context.Auth.Principal is { IsRoot: true })
        {
            return true;
        }

        // RestrictPublicBuckets: a public policy grants nothing to anonymous callers.
        if (bucketPolicy is { Document.GrantsPublicAccess: true } && context.Auth.Principal is null
            && (await blocks.EffectiveAsync(bucket!, context.Aborted).ConfigureAwait(false)).RestrictPublicBuckets)
        {
            return false;
        }

        context.ConditionKeys ??= Keys(context);
        var question = new AuthorizationQuestion(context.Auth.Principal, action, resource, context.ConditionKeys, bucketPolicy, context.ExistingObjectTags);
        return await authorizer.DecideAsync(question, context.Aborted).ConfigureAwait(false) == Decision.Allow;
    }

    /// <summary>The request context: the global keys and the S3 keys this request carries.</summary>
    private ContextKeys Keys(S3Context context)
    {
        var keys = authorizer.GlobalKeys(context.Http, context.Auth.Principal);
        var auth = context.Auth;
        if (auth.Scheme != AuthScheme.Anonymous)
        {
            keys.Set("s3:authType", auth.Scheme is AuthScheme.QueryV4 or AuthScheme.QueryV2 ? "REST-QUERY-STRING" : "REST-HEADER");
            keys.Set("s3:signatureversion", auth.Scheme is AuthScheme.HeaderV2 or AuthScheme.QueryV2 ? "AWS" : "AWS4-HMAC-SHA256");
            if (auth.SignedAt is { } signedAt)
            {
                var age = Math.Max(0, (long)(time.GetUtcNow() - signedAt).TotalMilliseconds);
                keys.Set("s3:signatureAge", age.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (context.Query.Get("versionId") is { } versionId)
        {
            keys.Set("s3:VersionId", versionId);
        }

        switch (context.Operation)
        {
            case S3Operation.ListObjects or S3Operation.ListObjectsV2 or S3Operation.ListMultipartUploads or S3Operation.ListObjectVersions:
                SetFromQuery(keys, context.Query, "prefix", "s3:prefix");
                SetFromQuery(keys, context.Query, "delimiter", "s3:delimiter");
                SetFromQuery(keys, context.Query, "max-keys", "s3:max-keys");
                break;
            case S3Operation.PutObject or S3Operation.CopyObject or S3Operation.CreateMultipartUpload:
                SetFromHeader(keys, context, "x-amz-server-side-encryption");
                SetFromHeader(keys, context, "x-amz-server-side-encryption-aws-kms-key-id");
                SetFromHeader(keys, context, "x-amz-acl");
                SetFromHeader(keys, context, "x-amz-storage-class");
                SetFromHeader(keys, context, "x-amz-copy-source");
                SetFromHeader(keys, context, "x-amz-metadata-directive");
                SetObjectLockKeys(keys, context);
                if (context.Header("x-amz-tagging") is { } tagging)
                {
                    SetRequestTags(keys, ObjectTagging.FromHeader(tagging));
                }

                break;
            case S3Operation.GetObject or S3Operation.HeadObject or S3Operation.GetObjectAcl or S3Operation.PutObjectAcl
                or S3Operation.GetObjectTagging or S3Operation.PutObjectTagging or S3Operation.DeleteObjectTagging:
                // As S3: the object's existing tags, for the operations that read or change it in place
                // (not PutObject or DeleteObject, which replace or remove it).
                context.ExistingObjectTags = new DeferredKeys(ExistingObjectTagPrefix, (keys, cancellationToken) => LoadExistingTagsAsync(context, keys, cancellationToken));
                break;
            case S3Operation.UploadPartCopy:
                SetFromHeader(keys, context, "x-amz-copy-source");
                break;
        }

        if (context.Header("x-amz-content-sha256") is { } contentSha)
        {
            keys.Set("s3:x-amz-content-sha256", contentSha);
        }

        return keys;
    }

    /// <summary>s3:object-lock-* from the lock a write asks for in its headers.</summary>
    private void SetObjectLockKeys(ContextKeys keys, S3Context context)
    {
        if (context.Header(ObjectLockWrite.ModeHeader) is { } mode)
        {
            keys.Set("s3:object-lock-mode", mode);
        }

        if (context.Header(ObjectLockWrite.RetainUntilHeader) is { } until)
        {
            keys.Set("s3:object-lock-retain-until-date", until);
            if (ObjectLockConfiguration.TryParseDate(until, out var date))
            {
                var days = Math.Max(0, (long)Math.Ceiling((date - time.GetUtcNow()).TotalDays));
                keys.Set("s3:object-lock-remaining-retention-days", days.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (context.Header(ObjectLockWrite.LegalHoldHeader) is { } hold)
        {
            keys.Set("s3:object-lock-legal-hold", hold);
        }
    }

    private static void SetFromQuery(ContextKeys keys, QueryParameters query, string parameter, string key)
    {
        if (query.Get(parameter) is { } value)
        {
            keys.Set(key, value);
        }
    }

    private static void SetFromHeader(ContextKeys keys, S3Context context, string header)
    {
        if (context.Header(header) is { } value)
        {
            keys.Set("s3:" + header, value);
        }
    }

    /// <summary>s3:RequestObjectTag/KEY and s3:RequestObjectTagKeys from the tags a request sets.</summary>
    private static void SetRequestTags(ContextKeys keys, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var names = new List<string>(tags.Count);
        foreach (var (name, value) in tags)
        {
            keys.Set("s3:RequestObjectTag/" + name, value);
            names.Add(name);
        }

        keys.Set("s3:RequestObjectTagKeys", [.. names]);
    }

    /// <summary>s3:ExistingObjectTag/KEY for each tag of the version the request names (the current one without versionId).</summary>
    private async ValueTask LoadExistingTagsAsync(S3Context context, ContextKeys keys, CancellationToken cancellationToken)
    {
        var versionId = context.Query.Get("versionId");
        if (versionId is not null && !Storage.Versions.VersionIds.IsWellFormed(versionId))
        {
            // The handler refuses the id; there is no object to take tags from.
            return;
        }

        Storage.Objects.ObjectInfo? info;
        try
        {
            info = versionId is null
                ? await metadata.GetObjectAsync(context.BucketName, context.ObjectKey, includeInlineData: false, cancellationToken).ConfigureAwait(false)
                : await metadata.GetObjectVersionAsync(context.BucketName, context.ObjectKey, versionId, includeInlineData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Storage.StorageException)
        {
            return;
        }

        foreach (var (name, value) in info?.Tags ?? [])
        {
            keys.Set(ExistingObjectTagPrefix + name, value);
        }
    }
}
