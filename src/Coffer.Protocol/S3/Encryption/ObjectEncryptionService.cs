using Coffer.Crypto.Kms;
using Coffer.Storage;
using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Encryption;

/// <summary>
/// Encryption as the S3 handlers need it: the write's sealer from its headers and the bucket's
/// default (with kms:GenerateDataKey demanded on a named KMS key), the read's opener (SSE-C key
/// checked, kms:Decrypt demanded), and the SSE response headers.
/// </summary>
internal sealed class ObjectEncryptionService(ObjectEncryptor encryptor, IMetadataStore metadata, ProtocolOptions options)
{
    /// <summary>A sealer for a PutObject or CopyObject destination; the caller disposes it once the write is done.</summary>
    public async Task<(SealingWrite Write, string? CustomerKeyMd5)> ForWriteAsync(S3Context context, CancellationToken cancellationToken)
    {
        using var request = SseRequest.ForWrite(context.Header, options.IsSecure(context.Http), options.AllowCustomerKeysOverHttp);
        var bucketDefault = BucketEncryption.FromJson(await metadata.GetBucketConfigAsync(context.BucketName, BucketEncryption.ConfigName, cancellationToken).ConfigureAwait(false));
        try
        {
            var choice = await encryptor.ChooseAsync(request, bucketDefault, cancellationToken).ConfigureAwait(false);
            if (choice.Mode == BucketEncryption.AwsKms && (request.KmsKeyId ?? bucketDefault.KmsKeyId) is not null)
            {
                await context.Access.DemandAsync(context, "kms:GenerateDataKey", null, choice.KmsKeyArn!).ConfigureAwait(false);
            }

            var write = await encryptor.SealAsync(context.BucketName, context.ObjectKey, 0, choice, request, cancellationToken).ConfigureAwait(false);
            return (write, request.CustomerKeyMd5);
        }
        catch (KmsException e)
        {
            throw SseResponse.Error(e);
        }
    }

    /// <summary>
    /// How to read an object's content: its opener (none for content stored before encryption),
    /// after the read's SSE-C key is checked and, for a customer managed KMS key, kms:Decrypt is
    /// demanded. The caller disposes the result when the read is done, which clears an SSE-C key.
    /// </summary>
    public Task<ReadEncryption> ForReadAsync(S3Context context, ObjectInfo info, CancellationToken cancellationToken) =>
        ForReadAsync(context, info, copySource: false, cancellationToken);

    /// <summary>As <see cref="ForReadAsync(S3Context, ObjectInfo, CancellationToken)"/>, for a copy's source (its x-amz-copy-source-…-customer-* key).</summary>
    public async Task<ReadEncryption> ForReadAsync(S3Context context, ObjectInfo info, bool copySource, CancellationToken cancellationToken)
    {
        var customerKey = SseRequest.CustomerKeyForRead(context.Header, copySource, options.IsSecure(context.Http), options.AllowCustomerKeysOverHttp);
        try
        {
            if (info.Encryption is null)
            {
                return customerKey is null
                    ? new ReadEncryption(null, null, null)
                    : throw new S3Exception(S3ErrorCode.InvalidRequest, "The encryption parameters are not applicable to this object.");
            }

            var record = ObjectEncryption.FromJson(info.Encryption);
            if (record.Mode == BucketEncryption.AwsKms && record.KmsKeyArn is { } keyArn)
            {
                var key = await encryptor.DescribeAsync(keyArn, cancellationToken).ConfigureAwait(false);
                if (key.Manager == KmsKeyManager.Customer)
                {
                    await context.Access.DemandAsync(context, "kms:Decrypt", null, keyArn).ConfigureAwait(false);
                }
            }

            return new ReadEncryption(encryptor.Opener(info.Bucket, info.Key, record, customerKey), customerKey, customerKey?.CustomerKeyMd5);
        }
        catch (KmsException e)
        {
            customerKey?.Dispose();
            throw SseResponse.Error(e);
        }
        catch
        {
            customerKey?.Dispose();
            throw;
        }
    }

    /// <summary>The SSE headers of a write's or read's response.</summary>
    public static void WriteHeaders(S3Context context, string? encryption, string? customerKeyMd5)
    {
        if (encryption is not null)
        {
            SseResponse.WriteHeaders(context.Response, ObjectEncryption.FromJson(encryption), customerKeyMd5);
        }
    }
}
