using System.Security.Cryptography;

namespace Coffer.Crypto.Kms;

/// <summary>Encrypt, Decrypt, GenerateDataKey for the KMS API, and <see cref="IDataKeyService"/> for encryption at rest.</summary>
public sealed partial class KeyManagementService
{
    public async Task<KmsCryptoResult> EncryptAsync(string keyId, byte[] plaintext, IReadOnlyDictionary<string, string>? encryptionContext, CancellationToken cancellationToken)
    {
        KmsLimits.Plaintext(plaintext.Length);
        var context = EncryptionContext.Canonical(encryptionContext);
        var snapshot = await FindAsync(keyId, allowAlias: true, cancellationToken).ConfigureAwait(false);
        RequireCustomerManaged(snapshot.Row, "kms:Encrypt");
        RequireEnabled(snapshot.Row);
        return new KmsCryptoResult(KeyArn(snapshot.Row.KeyId), Seal(snapshot, plaintext, context), null);
    }

    /// <summary>
    /// <paramref name="numberOfBytes"/> random bytes (1–1024), in the clear unless
    /// <paramref name="withPlaintext"/> is false, and encrypted under the key.
    /// </summary>
    public async Task<KmsCryptoResult> GenerateDataKeyAsync(string keyId, int numberOfBytes, IReadOnlyDictionary<string, string>? encryptionContext, bool withPlaintext, CancellationToken cancellationToken)
    {
        KmsLimits.NumberOfBytes(numberOfBytes);
        var context = EncryptionContext.Canonical(encryptionContext);
        var snapshot = await FindAsync(keyId, allowAlias: true, cancellationToken).ConfigureAwait(false);
        var action = withPlaintext ? "kms:GenerateDataKey" : "kms:GenerateDataKeyWithoutPlaintext";
        RequireCustomerManaged(snapshot.Row, action);
        RequireEnabled(snapshot.Row);
        var plaintext = RandomNumberGenerator.GetBytes(numberOfBytes);
        var blob = Seal(snapshot, plaintext, context);
        if (!withPlaintext)
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        return new KmsCryptoResult(KeyArn(snapshot.Row.KeyId), blob, withPlaintext ? plaintext : null);
    }

    /// <summary>The key id a ciphertext blob names, for authorising Decrypt on its ARN; null when it is no blob of this server.</summary>
    public static string? CiphertextKeyId(ReadOnlySpan<byte> ciphertextBlob) =>
        KmsCiphertext.TryReadHeader(ciphertextBlob, out var keyId, out _) ? keyId.ToString("D") : null;

    /// <param name="keyId">When given, the ciphertext must have been made with this key (IncorrectKeyException otherwise).</param>
    public async Task<KmsCryptoResult> DecryptAsync(byte[] ciphertextBlob, IReadOnlyDictionary<string, string>? encryptionContext, string? keyId, CancellationToken cancellationToken)
    {
        KmsLimits.Ciphertext(ciphertextBlob.Length);
        var context = EncryptionContext.Canonical(encryptionContext);
        var snapshot = await CiphertextKeyAsync(ciphertextBlob, internalAllowed: false, cancellationToken).ConfigureAwait(false);
        if (keyId is not null && (await FindAsync(keyId, allowAlias: true, cancellationToken).ConfigureAwait(false)).Row.KeyId != snapshot.Row.KeyId)
        {
            throw new KmsException(KmsErrorCode.IncorrectKey, "The key ID in the request does not identify a CMK that can perform this operation.");
        }

        RequireCustomerManaged(snapshot.Row, "kms:Decrypt");
        RequireEnabled(snapshot.Row);
        var plaintext = new byte[KmsCiphertext.PlaintextLength(ciphertextBlob)];
        Open(snapshot, ciphertextBlob, context, plaintext);
        return new KmsCryptoResult(KeyArn(snapshot.Row.KeyId), null, plaintext);
    }

    async Task<KmsDataKey> IDataKeyService.GenerateDataKeyAsync(string? keyId, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken)
    {
        var context = EncryptionContext.Canonical(encryptionContext);
        var snapshot = keyId is null
            ? await SnapshotAsync(await InternalKeyIdAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The SSE-S3 key vanished.")
            : await FindAsync(keyId, allowAlias: true, cancellationToken).ConfigureAwait(false);
        RequireEnabled(snapshot.Row);
        var key = DataKey.Generate();
        try
        {
            return new KmsDataKey(key, Seal(snapshot, key.Bytes, context), KeyArn(snapshot.Row.KeyId));
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    async Task<KmsDataKey> IDataKeyService.DecryptDataKeyAsync(ReadOnlyMemory<byte> wrappedKey, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken)
    {
        var context = EncryptionContext.Canonical(encryptionContext);
        var snapshot = await CiphertextKeyAsync(wrappedKey, internalAllowed: true, cancellationToken).ConfigureAwait(false);
        RequireEnabled(snapshot.Row);
        if (KmsCiphertext.PlaintextLength(wrappedKey.Span) != DataKey.Size)
        {
            throw KmsException.InvalidCiphertext();
        }

        return new KmsDataKey(OpenDataKey(snapshot, wrappedKey.Span, context), wrappedKey.ToArray(), KeyArn(snapshot.Row.KeyId));
    }

    /// <summary>The key a blob was made with; a blob naming no key here is not a valid ciphertext.</summary>
    private async Task<KeySnapshot> CiphertextKeyAsync(ReadOnlyMemory<byte> blob, bool internalAllowed, CancellationToken cancellationToken)
    {
        if (!KmsCiphertext.TryReadHeader(blob.Span, out var id, out _))
        {
            throw KmsException.InvalidCiphertext();
        }

        var keyId = id.ToString("D");
        var snapshot = await SnapshotAsync(keyId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null || (snapshot.Row.Manager == KmsKeyManager.Internal && !internalAllowed))
        {
            throw KmsException.InvalidCiphertext();
        }

        return snapshot.Row.DestroyedAt is null ? snapshot : throw KmsException.KeyDestroyedError(KeyArn(keyId));
    }

    /// <summary>Encrypts under the key's current version.</summary>
    private byte[] Seal(KeySnapshot snapshot, ReadOnlySpan<byte> plaintext, byte[] context)
    {
        var row = snapshot.Row;
        Span<byte> material = stackalloc byte[KmsKeyStore.MaterialSize];
        try
        {
            _store.OpenMaterial(row.KeyId, row.CurrentVersion, snapshot.SealedMaterial[row.CurrentVersion], material);
            return KmsCiphertext.Seal(Guid.ParseExact(row.KeyId, "D"), row.CurrentVersion, material, plaintext, context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    private void Open(KeySnapshot snapshot, ReadOnlySpan<byte> blob, byte[] context, Span<byte> plaintext)
    {
        KmsCiphertext.TryReadHeader(blob, out _, out var version);
        if (!snapshot.SealedMaterial.TryGetValue(version, out var sealedMaterial))
        {
            throw KmsException.InvalidCiphertext();
        }

        Span<byte> material = stackalloc byte[KmsKeyStore.MaterialSize];
        try
        {
            _store.OpenMaterial(snapshot.Row.KeyId, version, sealedMaterial, material);
            if (!KmsCiphertext.TryOpen(blob, material, context, plaintext))
            {
                throw KmsException.InvalidCiphertext();
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    private DataKey OpenDataKey(KeySnapshot snapshot, ReadOnlySpan<byte> blob, byte[] context)
    {
        Span<byte> plaintext = stackalloc byte[DataKey.Size];
        try
        {
            Open(snapshot, blob, context, plaintext);
            return DataKey.FromBytes(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
