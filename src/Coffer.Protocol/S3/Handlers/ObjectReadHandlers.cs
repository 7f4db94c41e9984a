using System.Globalization;
using Coffer.Protocol.Http;
using Coffer.Protocol.S3.Encryption;
using Coffer.Storage;
using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>GetObject and HeadObject.</summary>
internal sealed class ObjectReadHandlers(ObjectStore store, ObjectEncryptionService encryption)
{
    private const int MaxAttempts = 3;

    public async Task GetAsync(S3Context context, bool head)
    {
        var versionId = VersioningConfiguration.VersionIdFrom(context);
        for (var attempt = 1; ; attempt++)
        {
            var info = await store.GetObjectAsync(context.BucketName, context.ObjectKey, versionId, includeInlineData: !head, context.Aborted).ConfigureAwait(false);
            if (info.IsDeleteMarker)
            {
                throw DeleteMarkerError(context, info, versionId is not null);
            }

            VersioningHandlers.WriteVersionHeader(context, info, always: versionId is not null);
            var (result, condition) = Preconditions.Evaluate(context.Request.Headers, info.ETag, info.LastModified);
            if (result == PreconditionResult.NotModified)
            {
                context.Response.Headers.ETag = Quote(info.ETag);
                context.Response.Headers.LastModified = info.LastModified.ToString("r", CultureInfo.InvariantCulture);
                context.Response.StatusCode = 304;
                return;
            }

            if (result == PreconditionResult.Failed)
            {
                throw new S3Exception(S3ErrorCode.PreconditionFailed).With("Condition", condition);
            }

            var range = await ResolveRangeAsync(context, info).ConfigureAwait(false);
            using var decryption = await encryption.ForReadAsync(context, info, context.Aborted).ConfigureAwait(false);
            if (info.Retention is not null || info.LegalHold)
            {
                await ObjectLockHandlers.WriteHeadersAsync(context, info).ConfigureAwait(false);
            }

            if (head)
            {
                WriteHeaders(context, info, range);
                ObjectEncryptionService.WriteHeaders(context, decryption.Record, decryption.CustomerKeyMd5);
                return;
            }

            Stream? content;
            try
            {
                content = await store.OpenContentAsync(info, range?.Start ?? 0, range?.End ?? info.Size - 1, decryption.Opener, context.Aborted).ConfigureAwait(false);
            }
            catch (Coffer.Crypto.Kms.KmsException e)
            {
                throw SseResponse.Error(e);
            }

            if (content is null)
            {
                // Replaced between the lookup and the open: look again so the reader sees the new object whole.
                if (attempt < MaxAttempts)
                {
                    continue;
                }

                throw new S3Exception(S3ErrorCode.ServiceUnavailable, "The object changed while it was being read; please retry.");
            }

            await using (content.ConfigureAwait(false))
            {
                WriteHeaders(context, info, range);
                ObjectEncryptionService.WriteHeaders(context, decryption.Record, decryption.CustomerKeyMd5);

                // The body streams from here: recorded now, with its length as bytesTransferredOut.
                await context.CommitAuditAsync().ConfigureAwait(false);
                await BodyCopy.CopyAsync(content, context.Response.BodyWriter, range?.Length ?? info.Size, context.Aborted).ConfigureAwait(false);
            }

            return;
        }
    }

    /// <summary>
    /// A delete marker has no content: as the current version it hides the key (404 NoSuchKey),
    /// named by its version id it is a resource without GET (405); both say it is a marker.
    /// </summary>
    internal static S3Exception DeleteMarkerError(S3Context context, ObjectInfo marker, bool named)
    {
        context.Response.Headers["x-amz-delete-marker"] = "true";
        context.Response.Headers["x-amz-version-id"] = marker.PublicVersionId;
        if (!named)
        {
            return new S3Exception(S3ErrorCode.NoSuchKey).With("Key", context.ObjectKey);
        }

        context.Response.Headers.LastModified = marker.LastModified.ToString("r", CultureInfo.InvariantCulture);
        context.Response.Headers.Allow = "DELETE";
        return new S3Exception(S3ErrorCode.MethodNotAllowed)
            .With("Method", context.Request.Method)
            .With("ResourceType", "DeleteMarker");
    }

    private async Task<ByteRange?> ResolveRangeAsync(S3Context context, ObjectInfo info)
    {
        var partNumber = context.Query.Get("partNumber");
        if (partNumber is not null)
        {
            if (!int.TryParse(partNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var part) || part is < 1 or > 10000)
            {
                throw S3Exception.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", partNumber);
            }

            if (context.Header("Range") is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Cannot specify both Range header and partNumber query parameter");
            }

            if (info.UploadId is null)
            {
                if (part != 1)
                {
                    throw new S3Exception(S3ErrorCode.InvalidPartNumber);
                }

                return null;
            }

            var parts = await store.Metadata.GetObjectPartsAsync(info.UploadId, context.Aborted).ConfigureAwait(false);
            if (part > parts.Count)
            {
                throw new S3Exception(S3ErrorCode.InvalidPartNumber);
            }

            var chosen = parts[part - 1];
            return new ByteRange(chosen.ObjectOffset ?? 0, chosen.Size);
        }

        try
        {
            return ByteRange.Resolve(context.Header("Range"), info.Size);
        }
        catch (RangeNotSatisfiableException)
        {
            context.Response.Headers.ContentRange = $"bytes */{info.Size}";
            throw new S3Exception(S3ErrorCode.InvalidRange)
                .With("RangeRequested", context.Header("Range"))
                .With("ActualObjectSize", info.Size.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void WriteHeaders(S3Context context, ObjectInfo info, ByteRange? range)
    {
        var response = context.Response;
        if (info.PartsCount > 0 && context.Query.Has("partNumber"))
        {
            response.Headers["x-amz-mp-parts-count"] = info.PartsCount.ToString(CultureInfo.InvariantCulture);
        }

        ObjectHeaderMapping.ToResponse(info.Headers, context.Query, response);
        if (info.Tags.Count > 0)
        {
            response.Headers["x-amz-tagging-count"] = info.Tags.Count.ToString(CultureInfo.InvariantCulture);
        }

        response.Headers.ETag = Quote(info.ETag);
        response.Headers.LastModified = info.LastModified.ToString("r", CultureInfo.InvariantCulture);
        response.Headers.AcceptRanges = "bytes";
        if (range is { } r)
        {
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {r.Start}-{r.End}/{info.Size}";
            response.ContentLength = r.Length;
        }
        else
        {
            response.StatusCode = 200;
            response.ContentLength = info.Size;
            if (string.Equals(context.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase))
            {
                ChecksumRequest.ToResponse(info.Checksum, response);
            }
        }
    }

    /// <summary>Reads the content straight into the response pipe's buffers: one copy from the page cache, none in between.</summary>
    internal static string Quote(string etag) => "\"" + etag + "\"";
}
