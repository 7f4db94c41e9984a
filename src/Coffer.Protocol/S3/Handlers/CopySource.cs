using Coffer.Protocol.Http;
using Coffer.Protocol.S3.Encryption;
using Coffer.Storage;
using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>The object named by x-amz-copy-source, its conditions checked, open for reading.</summary>
internal sealed class CopySource : IAsyncDisposable
{
    private const int MaxAttempts = 3;

    private readonly ReadEncryption _decryption;

    private CopySource(ObjectInfo info, ByteRange range, Stream content, ReadEncryption decryption)
    {
        Info = info;
        Range = range;
        Content = content;
        _decryption = decryption;
    }

    public ObjectInfo Info { get; }

    public ByteRange Range { get; }

    /// <summary>The source bytes of <see cref="Range"/>, and no more.</summary>
    public Stream Content { get; }

    /// <summary>
    /// Looks the source up, checks x-amz-copy-source-if-*, and opens <paramref name="rangeOf"/> of it;
    /// looks again when the source is replaced between the lookup and the open.
    /// </summary>
    public static async Task<CopySource> OpenAsync(ObjectStore store, ObjectEncryptionService encryption, S3Context context, (string Bucket, string Key) name, Func<ObjectInfo, ByteRange> rangeOf)
    {
        var (bucket, key) = name;
        for (var attempt = 1; ; attempt++)
        {
            var source = await store.GetObjectAsync(bucket, key, context.CopySourceVersionId, includeInlineData: true, context.Aborted).ConfigureAwait(false);
            if (source.IsDeleteMarker)
            {
                throw context.CopySourceVersionId is null
                    ? new S3Exception(S3ErrorCode.NoSuchKey)
                    : new S3Exception(S3ErrorCode.InvalidRequest, "The source of a copy request may not specifically refer to a delete marker by version id.");
            }

            var (result, condition) = Preconditions.Evaluate(context.Request.Headers, source.ETag, source.LastModified, "x-amz-copy-source-");
            if (result != PreconditionResult.Proceed)
            {
                throw new S3Exception(S3ErrorCode.PreconditionFailed).With("Condition", "x-amz-copy-source-" + condition);
            }

            var range = rangeOf(source);
            var decryption = await encryption.ForReadAsync(context, source, copySource: true, context.Aborted).ConfigureAwait(false);
            Stream? content;
            try
            {
                content = await store.OpenContentAsync(source, range.Start, range.End, decryption.Opener, context.Aborted).ConfigureAwait(false);
            }
            catch (Coffer.Crypto.Kms.KmsException e)
            {
                decryption.Dispose();
                throw SseResponse.Error(e);
            }
            catch
            {
                decryption.Dispose();
                throw;
            }

            if (content is not null)
            {
                return new CopySource(source, range, new LengthLimitedStream(content, range.Length, ownsInner: true), decryption);
            }

            decryption.Dispose();

            if (attempt == MaxAttempts)
            {
                throw new S3Exception(S3ErrorCode.ServiceUnavailable, "The source object changed while it was being copied; please retry.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _decryption.Dispose();
    }
}
