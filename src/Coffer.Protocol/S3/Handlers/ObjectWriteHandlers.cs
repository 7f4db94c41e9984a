using System.Globalization;
using System.Text;
using Coffer.Protocol.Http;
using Coffer.Protocol.S3.Encryption;
using Coffer.Protocol.Xml;
using Coffer.Storage;
using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>PutObject and CopyObject.</summary>
internal sealed class ObjectWriteHandlers(ObjectStore store, ObjectEncryptionService encryption, BucketConfigCache<ObjectLockConfiguration> lockConfigurations, TimeProvider time)
{
    public const int MaxKeyBytes = 1024;

    public async Task PutAsync(S3Context context)
    {
        var request = context.Request;
        var length = DeclaredLength(context, ObjectStore.MaxSinglePutSize);

        var headers = ObjectHeaderMapping.FromRequest(request);
        var tags = ObjectTagging.FromHeader(context.Header("x-amz-tagging"));
        var md5 = ParseContentMd5(context.Header("Content-MD5"));
        var condition = WriteConditionFrom(context);
        var (retention, legalHold) = await ObjectLockWrite.ResolveAsync(context, lockConfigurations, time, hasBody: true).ConfigureAwait(false);
        var checksum = ChecksumRequest.FromRequest(request, context.Auth);
        var body = checksum?.Wrap(context.Auth.Body) ?? context.Auth.Body;
        var (write, customerKeyMd5) = await encryption.ForWriteAsync(context, context.Aborted).ConfigureAwait(false);
        using var sealing = write;

        var info = await store.PutAsync(new PutObjectRequest
        {
            Bucket = context.BucketName,
            Key = context.ObjectKey,
            Headers = headers,
            Tags = tags,
            ExpectedLength = length,
            ExpectedMd5 = md5,
            ChecksumAfterBody = checksum is null ? null : checksum.Result,
            Retention = retention,
            LegalHold = legalHold,
            Condition = condition,
            Sealer = write?.Sealer,
        }, body, context.Aborted).ConfigureAwait(false);

        context.Response.Headers.ETag = ObjectReadHandlers.Quote(info.ETag);
        VersioningHandlers.WriteVersionHeader(context, info);
        ObjectEncryptionService.WriteHeaders(context, write?.Record, customerKeyMd5);
        ChecksumRequest.ToResponse(info.Checksum, context.Response);
        context.Response.StatusCode = 200;
    }

    public async Task CopyAsync(S3Context context)
    {
        var directive = context.Header("x-amz-metadata-directive") ?? "COPY";
        if (directive is not ("COPY" or "REPLACE"))
        {
            throw S3Exception.InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive);
        }

        var taggingDirective = context.Header("x-amz-tagging-directive") ?? "COPY";
        if (taggingDirective is not ("COPY" or "REPLACE"))
        {
            throw S3Exception.InvalidArgument("Unknown tagging directive.", "x-amz-tagging-directive", taggingDirective);
        }

        var replacedTags = taggingDirective == "REPLACE" ? ObjectTagging.FromHeader(context.Header("x-amz-tagging")) : null;
        var (sourceBucket, sourceKey) = context.CopySource!.Value;

        // Copying an older version onto its own key is how a version is restored, so only the current one is refused.
        if (sourceBucket == context.BucketName && sourceKey == context.ObjectKey && directive == "COPY" && context.CopySourceVersionId is null)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }

        // The copy is a new version: it takes the lock this request asks for, never the source's.
        var (retention, legalHold) = await ObjectLockWrite.ResolveAsync(context, lockConfigurations, time, hasBody: false).ConfigureAwait(false);
        ObjectInfo copied;
        ObjectInfo sourceVersion;
        var (write, customerKeyMd5) = await encryption.ForWriteAsync(context, context.Aborted).ConfigureAwait(false);
        using var sealing = write;
        await using (var source = await CopySource.OpenAsync(store, encryption, context, (sourceBucket, sourceKey), info => new ByteRange(0, info.Size)).ConfigureAwait(false))
        {
            sourceVersion = source.Info;
            copied = await store.PutAsync(new PutObjectRequest
            {
                Bucket = context.BucketName,
                Key = context.ObjectKey,
                Headers = directive == "REPLACE" ? ObjectHeaderMapping.FromRequest(context.Request) : source.Info.Headers,
                Tags = replacedTags ?? source.Info.Tags,
                ExpectedLength = source.Info.Size,
                ChecksumAfterBody = () => source.Info.Checksum,
                Retention = retention,
                LegalHold = legalHold,
                Condition = WriteConditionFrom(context),
                Sealer = write?.Sealer,
            }, source.Content, context.Aborted).ConfigureAwait(false);
        }

        ObjectEncryptionService.WriteHeaders(context, write?.Record, customerKeyMd5);
        VersioningHandlers.WriteVersionHeader(context, copied);
        if (sourceVersion.BucketVersioning is not null || context.CopySourceVersionId is not null)
        {
            context.Response.Headers["x-amz-copy-source-version-id"] = sourceVersion.PublicVersionId;
        }

        var xml = new XmlBuilder()
            .Start("CopyObjectResult", S3Context.Xmlns)
            .Element("LastModified", copied.LastModified)
            .Element("ETag", ObjectReadHandlers.Quote(copied.ETag));
        if (copied.Checksum is { } checksum)
        {
            xml.Element("Checksum" + checksum.Algorithm, checksum.Value);
        }

        xml.End("CopyObjectResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    /// <summary>The body length the client declared (decoded, for aws-chunked), within <paramref name="max"/>.</summary>
    internal static long DeclaredLength(S3Context context, long max)
    {
        var length = context.Auth.Chunked is not null ? context.Auth.DecodedLength : context.Request.ContentLength;
        if (length is null)
        {
            throw new S3Exception(S3ErrorCode.MissingContentLength);
        }

        if (length > max)
        {
            throw new S3Exception(S3ErrorCode.EntityTooLarge)
                .With("ProposedSize", length.Value.ToString(CultureInfo.InvariantCulture))
                .With("MaxSizeAllowed", max.ToString(CultureInfo.InvariantCulture));
        }

        return length.Value;
    }

    /// <summary>Checks an object key against S3's rules before it is used anywhere.</summary>
    public static void ValidateKey(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw new S3Exception(S3ErrorCode.KeyTooLongError)
                .With("MaxSizeAllowed", MaxKeyBytes.ToString(CultureInfo.InvariantCulture))
                .With("Size", Encoding.UTF8.GetByteCount(key).ToString(CultureInfo.InvariantCulture));
        }
    }

    internal static WriteCondition WriteConditionFrom(S3Context context)
    {
        var ifNoneMatch = context.Header("If-None-Match");
        var ifMatch = context.Header("If-Match");
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*")
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, "If-None-Match on a write supports only '*'.").With("Header", "If-None-Match");
        }

        if (ifNoneMatch is null && ifMatch is null)
        {
            return WriteCondition.None;
        }

        return new WriteCondition(MustNotExist: ifNoneMatch is not null, IfMatchETag: ifMatch?.Trim().Trim('"'));
    }

    internal static byte[]? ParseContentMd5(string? header)
    {
        if (header is null)
        {
            return null;
        }

        var md5 = new byte[16];
        if (!Convert.TryFromBase64String(header.Trim(), md5, out var written) || written != 16)
        {
            throw new S3Exception(S3ErrorCode.InvalidDigest);
        }

        return md5;
    }

    /// <summary>The ?versionId= of an x-amz-copy-source, checked; null when it names none.</summary>
    internal static string? ParseCopySourceVersionId(string header)
    {
        var question = header.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return null;
        }

        QueryParameters query;
        try
        {
            query = QueryParameters.Parse(header.AsSpan(question + 1));
        }
        catch (FormatException)
        {
            throw S3Exception.InvalidArgument("Invalid version id specified", "x-amz-copy-source", header);
        }

        var versionId = query.Get("versionId");
        return versionId is null ? null : VersioningConfiguration.CheckVersionId(versionId, "x-amz-copy-source");
    }

    internal static (string Bucket, string Key) ParseCopySource(string header)
    {
        var value = header;
        var question = value.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            ParseCopySourceVersionId(header);
            value = value[..question];
        }

        string decoded;
        try
        {
            decoded = QueryParameters.PercentDecode(value).TrimStart('/');
        }
        catch (FormatException)
        {
            throw S3Exception.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", header);
        }

        var slash = decoded.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == decoded.Length - 1)
        {
            throw S3Exception.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", header);
        }

        var key = decoded[(slash + 1)..];
        ValidateKey(key);
        return (decoded[..slash], key);
    }
}
