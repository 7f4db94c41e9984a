namespace Coffer.Crypto.Kms;

/// <summary>Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.</summary>
public sealed partial class KeyManagementService
{
    /// <summary>The key an alias points at, for authorising alias changes on both ARNs; null when there is no such alias.</summary>
    public async Task<KmsKeyMetadata?> AliasTargetKeyAsync(string aliasName, CancellationToken cancellationToken) =>
        await AliasTargetAsync(aliasName, cancellationToken).ConfigureAwait(false) is { } keyId
            && await SnapshotAsync(keyId, cancellationToken).ConfigureAwait(false) is { Row.DestroyedAt: null } snapshot
            ? Metadata(snapshot.Row)
            : null;

    public async Task CreateAliasAsync(string aliasName, string targetKeyId, CancellationToken cancellationToken)
    {
        AliasNames.ValidateWritable(aliasName);
        var id = (await FindAsync(TargetKey(targetKeyId), cancellationToken).ConfigureAwait(false)).Row.KeyId;
        await WriteAsync(connection =>
        {
            RequireAliasTarget(CurrentRow(connection, id), "kms:CreateAlias");
            if (KmsKeyStore.AliasTarget(connection, aliasName) is not null)
            {
                throw new KmsException(KmsErrorCode.AlreadyExists, $"An alias with the name {AliasArn(aliasName)} already exists");
            }

            KmsKeyStore.SetAlias(connection, aliasName, id, Now());
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Points an existing alias at another key.</summary>
    public async Task UpdateAliasAsync(string aliasName, string targetKeyId, CancellationToken cancellationToken)
    {
        AliasNames.ValidateWritable(aliasName);
        var id = (await FindAsync(TargetKey(targetKeyId), cancellationToken).ConfigureAwait(false)).Row.KeyId;
        await WriteAsync(connection =>
        {
            RequireAliasTarget(CurrentRow(connection, id), "kms:UpdateAlias");
            if (KmsKeyStore.AliasTarget(connection, aliasName) is null)
            {
                throw KmsException.AliasNotFound(AliasArn(aliasName));
            }

            KmsKeyStore.SetAlias(connection, aliasName, id, Now());
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAliasAsync(string aliasName, CancellationToken cancellationToken)
    {
        AliasNames.ValidateWritable(aliasName);
        await WriteAsync(connection =>
        {
            if (KmsKeyStore.AliasTarget(connection, aliasName) is null)
            {
                throw KmsException.AliasNotFound(AliasArn(aliasName));
            }

            KmsKeyStore.DeleteAlias(connection, aliasName);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Aliases in name order, of one key when <paramref name="keyId"/> (key id or ARN) is given.
    /// alias/aws/s3 is listed without a target until its key is made, as AWS lists its predefined aliases.
    /// </summary>
    public async Task<KmsPage<KmsAlias>> ListAliasesAsync(string? keyId, int? limit, string? marker, CancellationToken cancellationToken)
    {
        var pageSize = KmsLimits.Limit(limit, 50, 100);
        if (marker is not null && !marker.StartsWith(AliasNames.Prefix, StringComparison.Ordinal))
        {
            throw InvalidMarker();
        }

        var filter = keyId is null ? null : (await FindAsync(keyId, allowAlias: false, cancellationToken).ConfigureAwait(false)).Row.KeyId;
        var rows = await _store.ListAliasesAsync(filter, pageSize + 1, marker, cancellationToken).ConfigureAwait(false);
        var aliases = rows
            .Select(a => new KmsAlias(a.Name, AliasArn(a.Name), a.KeyId, DateTimeOffset.FromUnixTimeMilliseconds(a.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(a.UpdatedAt)))
            .ToList();
        if (filter is null
            && string.CompareOrdinal(marker ?? string.Empty, AliasNames.AwsS3) < 0
            && await AliasTargetAsync(AliasNames.AwsS3, cancellationToken).ConfigureAwait(false) is null)
        {
            aliases.Add(new KmsAlias(AliasNames.AwsS3, AliasArn(AliasNames.AwsS3), null, null, null));
            aliases.Sort((a, b) => string.CompareOrdinal(a.AliasName, b.AliasName));
        }

        var page = aliases.Take(pageSize).ToList();
        return new KmsPage<KmsAlias>(page, aliases.Count > pageSize ? page[^1].AliasName : null);
    }

    /// <summary>An alias's target: a key id or key ARN, never another alias.</summary>
    private KeyReference TargetKey(string targetKeyId) => KeyReference.Parse(targetKeyId, _options, allowAlias: false, "targetKeyId");

    /// <summary>An alias may point at a customer managed key that is not pending deletion.</summary>
    private void RequireAliasTarget(KmsKeyRow row, string action)
    {
        RequireCustomerManaged(row, action);
        if (row.State == KmsKeyState.PendingDeletion)
        {
            throw KmsException.PendingDeletion(KeyArn(row.KeyId));
        }
    }
}
