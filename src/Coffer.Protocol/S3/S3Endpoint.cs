using System.Security.Cryptography;
using Coffer.Audit;
using Coffer.Identity.AccessKeys;
using Coffer.Identity.Sessions;
using Coffer.Protocol.Audit;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Authorization;
using Coffer.Protocol.Http;
using Coffer.Protocol.S3.Handlers;
using Coffer.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Coffer.Protocol.S3;

/// <summary>
/// The S3 request path: route once to an operation, authenticate (SigV4 header or pre-signed
/// query), authorise, dispatch with one switch, and turn every failure into an S3 error.
/// </summary>
public sealed partial class S3Endpoint
{
    private readonly ProtocolOptions _options;
    private readonly IAuditSink _audit;
    private readonly TimeProvider _time;
    private readonly SigV4Authenticator _authenticator;
    private readonly ILogger<S3Endpoint> _logger;
    private readonly BucketHandlers _buckets;
    private readonly ObjectReadHandlers _reads;
    private readonly ObjectWriteHandlers _writes;
    private readonly DeleteHandlers _deletes;
    private readonly ListHandlers _lists;
    private readonly MultipartHandlers _multipart;
    private readonly BucketPolicyHandlers _bucketPolicies;
    private readonly BucketEncryptionHandlers _bucketEncryption;
    private readonly VersioningHandlers _versioning;
    private readonly BucketConfigCache<Coffer.Policy.PolicySource> _policies;
    private readonly BucketConfigCache<BucketEncryption> _encryptionDefaults;
    private readonly S3Access _access;
    private readonly PublicAccessBlocks _publicAccessBlocks;
    private readonly PublicAccessBlockHandlers _publicAccessBlockHandlers;
    private readonly AclHandlers _acls;
    private readonly TaggingHandlers _tagging;
    private readonly BucketConfigCache<ObjectLockConfiguration> _objectLockConfigurations;
    private readonly ObjectLockHandlers _objectLocks;
    private readonly LifecycleHandlers _lifecycle;

    public S3Endpoint(ObjectStore store, AccessKeyStore keys, SessionTokens sessions, Authorizer authorizer, Coffer.Crypto.Kms.IDataKeyService dataKeys, IAuditSink audit, ProtocolOptions options, TimeProvider time, ILogger<S3Endpoint> logger)
    {
        _options = options;
        _audit = audit;
        _time = time;
        _logger = logger;
        _authenticator = new SigV4Authenticator(keys, sessions, time, options);
        _policies = BucketPolicies.Cache(store.Metadata);
        _encryptionDefaults = BucketEncryption.Cache(store.Metadata);
        _publicAccessBlocks = new PublicAccessBlocks(PublicAccessBlock.Cache(store.Metadata), options.AccountPublicAccessBlock);
        _publicAccessBlockHandlers = new PublicAccessBlockHandlers(_publicAccessBlocks, store.Metadata);
        _acls = new AclHandlers(store, options);
        _access = new S3Access(authorizer, _policies, _publicAccessBlocks, store.Metadata, time);
        _bucketPolicies = new BucketPolicyHandlers(_policies, store.Metadata, _publicAccessBlocks);
        _bucketEncryption = new BucketEncryptionHandlers(_encryptionDefaults, store.Metadata);
        _objectLockConfigurations = ObjectLockConfiguration.Cache(store.Metadata);
        _objectLocks = new ObjectLockHandlers(store, _objectLockConfigurations);
        _buckets = new BucketHandlers(store, options, time, _publicAccessBlocks);
        var encryption = new Encryption.ObjectEncryptionService(new Encryption.ObjectEncryptor(dataKeys), _encryptionDefaults, options);
        _reads = new ObjectReadHandlers(store, encryption);
        _writes = new ObjectWriteHandlers(store, encryption, _objectLockConfigurations, time);
        _deletes = new DeleteHandlers(store);
        _lists = new ListHandlers(store);
        _multipart = new MultipartHandlers(store, encryption, _objectLockConfigurations, time);
        _versioning = new VersioningHandlers(store);
        _tagging = new TaggingHandlers(store);
        _lifecycle = new LifecycleHandlers(store.Metadata);
    }

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = NewRequestId();
        http.Response.Headers["x-amz-request-id"] = requestId;
        http.Response.Headers["x-amz-id-2"] = requestId;
        http.Response.Headers.Server = "Coffer";
        var audit = RequestAudit.Begin(http, _audit, _options, AuditEventSource.S3, requestId, _time.GetUtcNow());
        audit.BytesTransferredIn = http.Request.ContentLength ?? 0;

        // An empty body is never read, so Kestrel sends no 100 Continue; botocore then misreads
        // the next response on that connection (boto/botocore#3755). A fresh connection avoids it.
        if (http.Request.ContentLength == 0
            && http.Request.Headers.Expect.ToString().Equals("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.Connection = "close";
        }

        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "/";
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = question < 0 ? target : target[..question];
        var resource = rawPath;
        AuthenticatedRequest? auth = null;
        S3Context? context = null;
        try
        {
            CheckHeaderSize(http.Request);
            QueryParameters query;
            string? bucket, key;
            var clientHost = _authenticator.ClientHost(http.Request);
            try
            {
                query = QueryParameters.Parse(question < 0 ? [] : target.AsSpan(question + 1));
                (bucket, key) = S3Route.SplitPath(rawPath, clientHost, _options.VirtualHostSuffixes);
            }
            catch (FormatException)
            {
                throw new S3Exception(S3ErrorCode.InvalidURI, "Couldn't parse the specified URI.");
            }

            resource = bucket is null ? "/" : key is null ? "/" + bucket : $"/{bucket}/{key}";
            if (key is not null)
            {
                ObjectWriteHandlers.ValidateKey(key);
            }

            var operation = S3Route.Classify(http.Request.Method, bucket, key, query, http.Request.Headers.ContainsKey("x-amz-copy-source"));
            S3Audit.Describe(audit, operation, bucket, key, clientHost, query, _options.AccountId);
            var v2Resource = bucket is not null && S3Route.BucketFromHost(clientHost, _options.VirtualHostSuffixes) is not null
                ? "/" + bucket + rawPath
                : rawPath;
            auth = await _authenticator.AuthenticateAsync(http.Request, rawPath, v2Resource, query, http.RequestAborted).ConfigureAwait(false);
            audit.Authenticated(auth);
            if (auth.DecodedLength is { } decoded)
            {
                audit.BytesTransferredIn = decoded;
            }

            context = new S3Context
            {
                Http = http,
                Operation = operation,
                Bucket = bucket,
                Key = key,
                Query = query,
                Auth = auth,
                Access = _access,
                CopySource = operation is S3Operation.CopyObject or S3Operation.UploadPartCopy
                    ? ObjectWriteHandlers.ParseCopySource(http.Request.Headers["x-amz-copy-source"].ToString())
                    : null,
                CopySourceVersionId = operation is S3Operation.CopyObject or S3Operation.UploadPartCopy
                    ? ObjectWriteHandlers.ParseCopySourceVersionId(http.Request.Headers["x-amz-copy-source"].ToString())
                    : null,
            };

            // Deny by default: nothing runs, and nothing is revealed, unless a policy allows it.
            await _access.AuthorizeAsync(context).ConfigureAwait(false);

            // ACLs are disabled (BucketOwnerEnforced): a request that would set one is refused whole.
            ObjectOwnership.RefuseAclHeaders(context, _options.AccountId);
            try
            {
                await DispatchAsync(context).ConfigureAwait(false);

                // A response without a body starts only when this returns: recorded first.
                await audit.CommitAsync().ConfigureAwait(false);
            }
            finally
            {
                if (operation is S3Operation.CreateBucket or S3Operation.DeleteBucket)
                {
                    _policies.Forget(context.BucketName);
                    _encryptionDefaults.Forget(context.BucketName);
                    _publicAccessBlocks.Buckets.Forget(context.BucketName);
                    _objectLockConfigurations.Forget(context.BucketName);
                }
            }
        }
        catch (AuditUnavailableException)
        {
            // Not recorded, so not done as far as the client knows: refused as a whole.
            await S3ErrorWriter.WriteAsync(http, AuditUnavailable(), resource, requestId).ConfigureAwait(false);
        }
        catch (S3Exception e)
        {
            await WriteErrorAsync(http, e, resource, requestId).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            var error = Map(e);

            // As S3: whether a key exists is for those who may list the bucket to learn.
            if (e.Error == StorageError.NoSuchKey && context is not null && !await MayListAsync(context).ConfigureAwait(false))
            {
                error = new S3Exception(S3ErrorCode.AccessDenied);
            }

            await WriteErrorAsync(http, error, resource, requestId).ConfigureAwait(false);
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested || IsClientFault(e))
        {
            // The client went away or broke the framing; nothing was committed.
            try
            {
                await WriteErrorAsync(http, new S3Exception(S3ErrorCode.IncompleteBody), resource, requestId).ConfigureAwait(false);
            }
            catch (Exception inner) when (inner is IOException or OperationCanceledException || http.RequestAborted.IsCancellationRequested)
            {
                // Nobody is left to read the answer.
            }
        }
        catch (Exception e)
        {
            LogUnexpected(_logger, e, requestId);
            await WriteErrorAsync(http, new S3Exception(S3ErrorCode.InternalError), resource, requestId).ConfigureAwait(false);
        }
        finally
        {
            auth?.Body.Dispose();

            // Whatever path the request took (the client gone, an answer that could not be written), it is on record.
            await audit.CommitQuietlyAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The error is recorded as it is sent; when it cannot be recorded, 503 is sent instead.</summary>
    private static async Task WriteErrorAsync(HttpContext http, S3Exception error, string resource, string requestId)
    {
        try
        {
            await S3ErrorWriter.WriteAsync(http, error, resource, requestId).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            await S3ErrorWriter.WriteAsync(http, AuditUnavailable(), resource, requestId).ConfigureAwait(false);
        }
    }

    private static S3Exception AuditUnavailable() =>
        new(S3ErrorCode.ServiceUnavailable, "The audit trail cannot record requests at the moment; nothing was acknowledged. Please retry.");

    private Task DispatchAsync(S3Context context) => context.Operation switch
    {
        S3Operation.ListBuckets => _buckets.ListBucketsAsync(context),
        S3Operation.CreateBucket => _buckets.CreateBucketAsync(context),
        S3Operation.HeadBucket => _buckets.HeadBucketAsync(context),
        S3Operation.DeleteBucket => _buckets.DeleteBucketAsync(context),
        S3Operation.GetBucketLocation => _buckets.GetBucketLocationAsync(context),
        S3Operation.ListObjects => _lists.ListV1Async(context),
        S3Operation.ListObjectsV2 => _lists.ListV2Async(context),
        S3Operation.DeleteObjects => _deletes.DeleteManyAsync(context),
        S3Operation.PutObject => _writes.PutAsync(context),
        S3Operation.CopyObject => _writes.CopyAsync(context),
        S3Operation.GetObject => _reads.GetAsync(context, head: false),
        S3Operation.HeadObject => _reads.GetAsync(context, head: true),
        S3Operation.DeleteObject => _deletes.DeleteAsync(context),
        S3Operation.CreateMultipartUpload => _multipart.CreateAsync(context),
        S3Operation.UploadPart => _multipart.UploadPartAsync(context),
        S3Operation.UploadPartCopy => _multipart.UploadPartCopyAsync(context),
        S3Operation.CompleteMultipartUpload => _multipart.CompleteAsync(context),
        S3Operation.AbortMultipartUpload => _multipart.AbortAsync(context),
        S3Operation.ListParts => _multipart.ListPartsAsync(context),
        S3Operation.ListMultipartUploads => _multipart.ListUploadsAsync(context),
        S3Operation.PutBucketPolicy => _bucketPolicies.PutAsync(context),
        S3Operation.GetBucketPolicy => _bucketPolicies.GetAsync(context),
        S3Operation.DeleteBucketPolicy => _bucketPolicies.DeleteAsync(context),
        S3Operation.PutPublicAccessBlock => _publicAccessBlockHandlers.PutAsync(context),
        S3Operation.GetPublicAccessBlock => _publicAccessBlockHandlers.GetAsync(context),
        S3Operation.DeletePublicAccessBlock => _publicAccessBlockHandlers.DeleteAsync(context),
        S3Operation.GetBucketOwnershipControls => _acls.GetOwnershipControlsAsync(context),
        S3Operation.PutBucketOwnershipControls => _acls.PutOwnershipControlsAsync(context),
        S3Operation.DeleteBucketOwnershipControls => _acls.DeleteOwnershipControlsAsync(context),
        S3Operation.GetBucketAcl => _acls.GetBucketAclAsync(context),
        S3Operation.PutBucketAcl => _acls.PutBucketAclAsync(context),
        S3Operation.GetObjectAcl => _acls.GetObjectAclAsync(context),
        S3Operation.PutObjectAcl => _acls.PutObjectAclAsync(context),
        S3Operation.PutBucketEncryption => _bucketEncryption.PutAsync(context),
        S3Operation.GetBucketEncryption => _bucketEncryption.GetAsync(context),
        S3Operation.DeleteBucketEncryption => _bucketEncryption.DeleteAsync(context),
        S3Operation.GetBucketPolicyStatus => _bucketPolicies.GetStatusAsync(context),
        S3Operation.PutBucketVersioning => _versioning.PutAsync(context),
        S3Operation.GetBucketVersioning => _versioning.GetAsync(context),
        S3Operation.ListObjectVersions => _versioning.ListVersionsAsync(context),
        S3Operation.PutObjectTagging => _tagging.PutAsync(context),
        S3Operation.GetObjectTagging => _tagging.GetAsync(context),
        S3Operation.DeleteObjectTagging => _tagging.DeleteAsync(context),
        S3Operation.PutObjectLockConfiguration => _objectLocks.PutConfigurationAsync(context),
        S3Operation.GetObjectLockConfiguration => _objectLocks.GetConfigurationAsync(context),
        S3Operation.PutObjectRetention => _objectLocks.PutRetentionAsync(context),
        S3Operation.GetObjectRetention => _objectLocks.GetRetentionAsync(context),
        S3Operation.PutObjectLegalHold => _objectLocks.PutLegalHoldAsync(context),
        S3Operation.GetObjectLegalHold => _objectLocks.GetLegalHoldAsync(context),
        S3Operation.PutBucketLifecycleConfiguration => _lifecycle.PutAsync(context),
        S3Operation.GetBucketLifecycleConfiguration => _lifecycle.GetAsync(context),
        S3Operation.DeleteBucketLifecycle => _lifecycle.DeleteAsync(context),
        S3Operation.Unknown => throw new S3Exception(S3ErrorCode.MethodNotAllowed)
            .With("Method", context.Request.Method)
            .With("ResourceType", context.Key is null ? "BUCKET" : "OBJECT"),
        S3Operation.UnsupportedSubresource => throw new S3Exception(
            S3ErrorCode.NotImplemented,
            $"The '{S3Route.UnsupportedSubresource(context.Query)}' sub-resource is not implemented by this server."),
        _ => throw new S3Exception(S3ErrorCode.NotImplemented, $"{context.Operation} is not implemented by this server."),
    };

    private void CheckHeaderSize(HttpRequest request)
    {
        var total = 0;
        foreach (var (name, values) in request.Headers)
        {
            total += name.Length + 4;
            foreach (var value in values)
            {
                total += value?.Length ?? 0;
            }
        }

        if (total > _options.MaxHeaderBytes)
        {
            throw new S3Exception(S3ErrorCode.RequestHeaderSectionTooLarge).With("MaxSizeAllowed", _options.MaxHeaderBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private async Task<bool> MayListAsync(S3Context context)
    {
        try
        {
            return await _access.AllowsAsync(context, "s3:ListBucket", context.Bucket, S3Access.Arn(context.BucketName)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is S3Exception or OperationCanceledException)
        {
            return false;
        }
    }

    private static bool IsClientFault(Exception e) => e is BadHttpRequestException or OperationCanceledException || e.InnerException is BadHttpRequestException;

    internal static S3Exception Map(StorageException e) => e.Error switch
    {
        StorageError.NoSuchBucket => new S3Exception(S3ErrorCode.NoSuchBucket),
        StorageError.NoSuchKey => new S3Exception(S3ErrorCode.NoSuchKey),
        StorageError.BucketAlreadyExists => new S3Exception(S3ErrorCode.BucketAlreadyExists),
        StorageError.BucketNotEmpty => new S3Exception(S3ErrorCode.BucketNotEmpty),
        StorageError.PreconditionFailed => new S3Exception(S3ErrorCode.PreconditionFailed),
        StorageError.BadDigest => new S3Exception(S3ErrorCode.BadDigest),
        StorageError.EntityTooLarge => new S3Exception(S3ErrorCode.EntityTooLarge),
        StorageError.IncompleteBody => new S3Exception(S3ErrorCode.IncompleteBody),
        StorageError.NoSuchUpload => new S3Exception(S3ErrorCode.NoSuchUpload),
        StorageError.InvalidPart => new S3Exception(S3ErrorCode.InvalidPart),
        StorageError.InvalidPartOrder => new S3Exception(S3ErrorCode.InvalidPartOrder),
        StorageError.EntityTooSmall => new S3Exception(S3ErrorCode.EntityTooSmall),
        StorageError.NoSuchVersion => new S3Exception(S3ErrorCode.NoSuchVersion),
        StorageError.ObjectLocked => new S3Exception(S3ErrorCode.AccessDenied, "Access Denied because object protected by object lock."),
        StorageError.InvalidBucketState => new S3Exception(S3ErrorCode.InvalidBucketState, e.Message),
        _ => new S3Exception(S3ErrorCode.InternalError),
    };

    private static string NewRequestId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Request {RequestId} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string requestId);
}
