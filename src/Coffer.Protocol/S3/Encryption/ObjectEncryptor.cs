using System.Security.Cryptography;
using System.Text;
using Coffer.Crypto;
using Coffer.Crypto.Kms;
using Coffer.Crypto.Segments;
using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Encryption;

/// <summary>
/// Chooses how each write is encrypted (the request's SSE headers, else the bucket's default)
/// and makes its sealer: a fresh data key per object or part, wrapped by the KMS (SSE-S3: the
/// server's own key; SSE-KMS: the named key or alias/aws/s3) or by the customer's key (SSE-C),
/// bound to the bucket, key, a random write id and the part number. On reads it finds each
/// write's data key again.
/// </summary>
internal sealed class ObjectEncryptor(IDataKeyService keys, int segmentSize = ObjectEncryptor.DefaultSegmentSize)
{
    public const int DefaultSegmentSize = 64 * 1024;
    public const string AwsManagedS3Alias = "alias/aws/s3";
    private const string ArnContextKey = "aws:s3:arn";
    private const string WriteContextKey = "coffer:write";

    /// <summary>
    /// What a write (or CreateMultipartUpload, which records the choice for its parts) will use:
    /// the request's headers, else the bucket's default. Nothing is generated yet.
    /// </summary>
    public async Task<ObjectEncryption> ChooseAsync(SseRequest request, BucketEncryption bucketDefault, CancellationToken cancellationToken)
    {
        switch (request.Mode)
        {
            case SseMode.Customer:
                var (salt, hmac) = CustomerKeys.Fingerprint(request.CustomerKey);
                return new ObjectEncryption { Mode = ObjectEncryption.CustomerMode, SegmentSize = segmentSize, CustomerKeySalt = salt, CustomerKeyHmac = hmac };
            case SseMode.Kms:
                return await KmsChoiceAsync(request.KmsKeyId, request.KmsContext, request.BucketKeyEnabled ?? bucketDefault.BucketKeyEnabled, cancellationToken).ConfigureAwait(false);
            case SseMode.S3:
                return new ObjectEncryption { Mode = BucketEncryption.Aes256, SegmentSize = segmentSize, BucketKeyEnabled = request.BucketKeyEnabled ?? false };
            default:
                return bucketDefault.Algorithm == BucketEncryption.AwsKms
                    ? await KmsChoiceAsync(bucketDefault.KmsKeyId, new SortedDictionary<string, string>(StringComparer.Ordinal), request.BucketKeyEnabled ?? bucketDefault.BucketKeyEnabled, cancellationToken).ConfigureAwait(false)
                    : new ObjectEncryption { Mode = BucketEncryption.Aes256, SegmentSize = segmentSize, BucketKeyEnabled = request.BucketKeyEnabled ?? bucketDefault.BucketKeyEnabled };
        }
    }

    /// <summary>
    /// A sealer for one write under <paramref name="choice"/>: a fresh data key, wrapped, and the
    /// record that goes with the stored bytes. SSE-C needs the request's key, which must be the
    /// choice's (an upload's parts all use the key the upload was created with).
    /// </summary>
    public async Task<SealingWrite> SealAsync(string bucket, string key, int partNumber, ObjectEncryption choice, SseRequest request, CancellationToken cancellationToken)
    {
        var writeId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var binding = new SegmentBinding(bucket, key, writeId, partNumber);
        if (choice.IsCustomer)
        {
            RequireCustomerKey(choice, request);
            var dataKey = DataKey.Generate();
            try
            {
                var record = choice with { WriteId = writeId, PartNumber = partNumber, WrappedKey = CustomerKeys.Wrap(request.CustomerKey, dataKey, WrapBinding(bucket, key, writeId, partNumber)) };
                return new SealingWrite(dataKey, new SegmentSealer(dataKey, binding, choice.SegmentSize, record.ToJson()), record);
            }
            catch
            {
                dataKey.Dispose();
                throw;
            }
        }

        var generated = await keys.GenerateDataKeyAsync(KmsKeyOf(choice), Context(bucket, key, writeId, partNumber, choice), cancellationToken).ConfigureAwait(false);
        var sealedRecord = choice with { WriteId = writeId, PartNumber = partNumber, WrappedKey = generated.WrappedKey, KmsKeyArn = choice.Mode == BucketEncryption.AwsKms ? generated.KeyArn : null };
        return new SealingWrite(generated.Key, new SegmentSealer(generated.Key, binding, choice.SegmentSize, sealedRecord.ToJson()), sealedRecord);
    }

    /// <summary>
    /// The opener for an object's content. <paramref name="objectRecord"/> is the object's record
    /// (for a multipart object, its upload's choice), parsed from <paramref name="objectJson"/>;
    /// its SSE-C key, if any, must come with the read.
    /// </summary>
    public IContentOpener Opener(string bucket, string key, ObjectEncryption objectRecord, string? objectJson, SseRequest? customerKey)
    {
        if (objectRecord.IsCustomer)
        {
            RequireCustomerKey(objectRecord, customerKey);
        }
        else if (customerKey is not null)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The encryption parameters are not applicable to this object.");
        }

        return new SegmentOpener(async (metadata, cancellationToken) =>
        {
            // A whole object's blob carries the object's own record: no need to parse it again.
            var record = ReferenceEquals(metadata, objectJson) ? objectRecord : ObjectEncryption.FromJson(metadata);
            var partNumber = record.PartNumber;
            var binding = new SegmentBinding(bucket, key, record.WriteId!, partNumber);
            if (record.IsCustomer)
            {
                return (CustomerKeys.Unwrap(customerKey!.CustomerKey, record.WrappedKey!, WrapBinding(bucket, key, record.WriteId!, partNumber)), binding, record.SegmentSize);
            }

            var unwrapped = await keys.DecryptDataKeyAsync(record.WrappedKey!, Context(bucket, key, record.WriteId!, partNumber, record), cancellationToken).ConfigureAwait(false);
            return (unwrapped.Key, binding, record.SegmentSize);
        });
    }

    public Task<KmsKeyMetadata> DescribeAsync(string keyArn, CancellationToken cancellationToken) =>
        keys.DescribeKeyAsync(keyArn, cancellationToken);

    private async Task<ObjectEncryption> KmsChoiceAsync(string? keyId, IReadOnlyDictionary<string, string> context, bool bucketKey, CancellationToken cancellationToken)
    {
        // Resolved now, so that the object records the key's ARN even when an alias named it.
        var metadata = await keys.DescribeKeyAsync(keyId ?? AwsManagedS3Alias, cancellationToken).ConfigureAwait(false);
        return new ObjectEncryption
        {
            Mode = BucketEncryption.AwsKms,
            SegmentSize = segmentSize,
            KmsKeyArn = metadata.Arn,
            Context = context.Count == 0 ? null : new SortedDictionary<string, string>(context.ToDictionary(), StringComparer.Ordinal),
            BucketKeyEnabled = bucketKey,
        };
    }

    private static string? KmsKeyOf(ObjectEncryption choice) => choice.Mode == BucketEncryption.AwsKms ? choice.KmsKeyArn : null;

    private static void RequireCustomerKey(ObjectEncryption record, SseRequest? request)
    {
        if (request is not { Mode: SseMode.Customer })
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
        }

        if (!CustomerKeys.Matches(request.CustomerKey, record.CustomerKeySalt!, record.CustomerKeyHmac!))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied);
        }
    }

    /// <summary>The KMS encryption context a data key is wrapped with: the caller's, the object's ARN and the write.</summary>
    private static Dictionary<string, string> Context(string bucket, string key, string writeId, int partNumber, ObjectEncryption record)
    {
        var context = record.Context is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(record.Context, StringComparer.Ordinal);
        context[ArnContextKey] = $"arn:aws:s3:::{bucket}/{key}";
        context[WriteContextKey] = partNumber == 0 ? writeId : $"{writeId}/{partNumber}";
        return context;
    }

    private static byte[] WrapBinding(string bucket, string key, string writeId, int partNumber) =>
        Encoding.UTF8.GetBytes($"coffer-sse-c\n{bucket}\n{key}\n{writeId}\n{partNumber}");
}
