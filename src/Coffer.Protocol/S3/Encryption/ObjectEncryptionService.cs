using Coffer.Crypto.Kms;
using Coffer.Storage;
using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Encryption;

/// <summary>
/// Encryption as the S3 handlers need it: the write's sealer from its headers and the bucket's
/// default (with kms:GenerateDataKey demanded on a named KMS key), the read's opener (SSE-C key
/// checked, kms:Decrypt demanded), and the SSE response headers.
/// </summary>
internal sealed class ObjectEncryptionService(ObjectEncryptor encryptor, BucketConfigCache<BucketEncryption> bucketDefaults, ProtocolOptions options)
{
    /// <summary>
    /// A sealer for a PutObject or CopyObject destination (none only with the benchmark's plaintext
    /// setting); the caller disposes it once the write is done.
    /// </summary>
    public async Task<(SealingWrite? Write, string? CustomerKeyMd5)> ForWriteAsync(S3Context context, CancellationToken cancellationToken)
    {
        using var request = WriteRequest(context);
        if (IsBenchPlaintext(request))
        {
            return (null, null);
        }

        var choice = await ChooseAsync(context, request, cancellationToken).ConfigureAwait(false);
        return (await SealAsync(context, 0, choice, request, cancellationToken).ConfigureAwait(false), request.CustomerKeyMd5);
    }

    /// <summary>CreateMultipartUpload's choice for every part (no data key yet), and the SSE-C key's MD5 to echo.</summary>
    public async Task<(ObjectEncryption? Choice, string? CustomerKeyMd5)> ForUploadAsync(S3Context context, CancellationToken cancellationToken)
    {
        using var request = WriteRequest(context);
        if (IsBenchPlaintext(request))
        {
            return (null, null);
        }

        return (await ChooseAsync(context, request, cancellationToken).ConfigureAwait(false), request.CustomerKeyMd5);
    }

    /// <summary>
    /// A sealer for one part under its upload's choice: a part of an SSE-C upload must bring the
    /// upload's key, and no part may ask for another kind of encryption or bring a customer key
    /// to an upload that has none.
    /// </summary>
    public async Task<(SealingWrite Write, string? CustomerKeyMd5)?> ForPartAsync(S3Context context, string? uploadEncryption, int partNumber, CancellationToken cancellationToken)
    {
        using var request = WriteRequest(context);
        var choice = uploadEncryption is null ? null : ObjectEncryption.FromJson(uploadEncryption);
        if (request.Mode == SseMode.Customer && choice is not { IsCustomer: true })
        {
            // As reads do: a customer key the upload was not created with is refused, not ignored.
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The encryption parameters are not applicable to this object.");
        }

        if (choice is null)
        {
            // An upload begun before encryption stays as it began.
            return null;
        }

        if (request.Mode is SseMode.S3 or SseMode.Kms)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Server side encryption is set when the multipart upload is created, not on its parts.")
                .With("ArgumentName", SseRequest.AlgorithmHeader);
        }

        return (await SealAsync(context, partNumber, choice, request, cancellationToken).ConfigureAwait(false), request.CustomerKeyMd5);
    }

    private bool IsBenchPlaintext(SseRequest request) => options.BenchUnencrypted && request.Mode == SseMode.BucketDefault;

    private SseRequest WriteRequest(S3Context context) =>
        SseRequest.ForWrite(context.Header, options.IsSecure(context.Http), options.AllowCustomerKeysOverHttp);

    private async Task<ObjectEncryption> ChooseAsync(S3Context context, SseRequest request, CancellationToken cancellationToken)
    {
        var bucketDefault = await bucketDefaults.GetAsync(context.BucketName, cancellationToken).ConfigureAwait(false) ?? BucketEncryption.Default;
        try
        {
            var choice = await encryptor.ChooseAsync(request, bucketDefault, cancellationToken).ConfigureAwait(false);
            if (choice.Mode == BucketEncryption.AwsKms && (request.KmsKeyId ?? bucketDefault.KmsKeyId) is not null)
            {
                await context.Access.DemandAsync(context, "kms:GenerateDataKey", null, choice.KmsKeyArn!).ConfigureAwait(false);
            }

            return choice;
        }
        catch (KmsException e)
        {
            throw SseResponse.Error(e);
        }
    }

    private async Task<SealingWrite> SealAsync(S3Context context, int partNumber, ObjectEncryption choice, SseRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await encryptor.SealAsync(context.BucketName, context.ObjectKey, partNumber, choice, request, cancellationToken).ConfigureAwait(false);
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

            return new ReadEncryption(encryptor.Opener(info.Bucket, info.Key, record, info.Encryption, customerKey), record, customerKey);
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
    public static void WriteHeaders(S3Context context, string? encryption, string? customerKeyMd5) =>
        WriteHeaders(context, encryption is null ? null : ObjectEncryption.FromJson(encryption), customerKeyMd5);

    /// <inheritdoc cref="WriteHeaders(S3Context, string?, string?)"/>
    public static void WriteHeaders(S3Context context, ObjectEncryption? record, string? customerKeyMd5)
    {
        if (record is not null)
        {
            SseResponse.WriteHeaders(context.Response, record, customerKeyMd5);
        }
    }
}
