namespace Coffer.Crypto.Kms;

/// <summary>
/// Data keys for encryption at rest: what the S3 layer calls to encrypt an object (or part) under
/// a fresh key and to get that key back on read. Key state is enforced: a disabled key fails with
/// <see cref="KmsErrorCode.Disabled"/> (S3's KMS.DisabledException), a key pending deletion with
/// <see cref="KmsErrorCode.InvalidState"/>, a destroyed key with <see cref="KmsErrorCode.NotFound"/>
/// and <see cref="KmsException.KeyDestroyed"/> set, for good.
/// </summary>
public interface IDataKeyService
{
    /// <summary>
    /// The key a key id, key ARN, alias name or alias ARN names, e.g. to authorise kms:GenerateDataKey
    /// on its ARN before an SSE-KMS upload. alias/aws/s3 is created on first use, as on AWS.
    /// </summary>
    /// <exception cref="KmsException">NotFound: no such key or alias.</exception>
    Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>
    /// A fresh 256-bit data key and the same key wrapped under the KMS key's current version,
    /// bound to <paramref name="encryptionContext"/>. <paramref name="keyId"/> null means the
    /// server's own key (SSE-S3); otherwise any form <see cref="DescribeKeyAsync"/> takes
    /// (alias/aws/s3 for SSE-KMS without a key). Dispose the result to clear the plaintext key.
    /// </summary>
    Task<KmsDataKey> GenerateDataKeyAsync(string? keyId, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken);

    /// <summary>
    /// The data key <paramref name="wrappedKey"/> holds, given the same encryption context it was
    /// wrapped with. Old key versions still unwrap after a rotation.
    /// </summary>
    /// <exception cref="KmsException">InvalidCiphertext when the blob or context was altered; Disabled, InvalidState or NotFound as above.</exception>
    Task<KmsDataKey> DecryptDataKeyAsync(ReadOnlyMemory<byte> wrappedKey, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken);
}
