namespace Coffer.Crypto.Kms;

/// <summary>Key lifecycle: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion.</summary>
public sealed partial class KeyManagementService
{
    public async Task<KmsKeyMetadata> CreateKeyAsync(string? description, CancellationToken cancellationToken)
    {
        KmsLimits.Description(description);
        var row = NewKey(KmsKeyManager.Customer, description ?? string.Empty, rotationPeriodDays: null);
        await WriteAsync(connection =>
        {
            _store.InsertKey(connection, row);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return Metadata(row);
    }

    /// <summary>Any form of key id; alias/aws/s3 makes the AWS managed key on first use, as on AWS.</summary>
    public async Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken) =>
        Metadata((await FindAsync(keyId, allowAlias: true, cancellationToken).ConfigureAwait(false)).Row);

    /// <summary>Customer and AWS managed keys, pending deletion included, in key id order.</summary>
    /// <param name="marker">The NextMarker of the previous page.</param>
    public async Task<KmsPage<KmsKeyMetadata>> ListKeysAsync(int? limit, string? marker, CancellationToken cancellationToken)
    {
        var pageSize = KmsLimits.Limit(limit, 100, 1000);
        if (marker is not null && !Guid.TryParseExact(marker, "D", out _))
        {
            throw InvalidMarker();
        }

        var rows = await _store.ListAsync(pageSize + 1, marker, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(pageSize).Select(Metadata).ToList();
        return new KmsPage<KmsKeyMetadata>(page, rows.Count > pageSize ? page[^1].KeyId : null);
    }

    public async Task<KmsKeyMetadata> EnableKeyAsync(string keyId, CancellationToken cancellationToken) =>
        await SetEnabledAsync(keyId, KmsKeyState.Enabled, "kms:EnableKey", cancellationToken).ConfigureAwait(false);

    public async Task<KmsKeyMetadata> DisableKeyAsync(string keyId, CancellationToken cancellationToken) =>
        await SetEnabledAsync(keyId, KmsKeyState.Disabled, "kms:DisableKey", cancellationToken).ConfigureAwait(false);

    /// <summary>The key becomes PendingDeletion; once <paramref name="pendingWindowInDays"/> (7–30, default 30) pass, its material is destroyed.</summary>
    public async Task<KmsKeyMetadata> ScheduleKeyDeletionAsync(string keyId, int? pendingWindowInDays, CancellationToken cancellationToken)
    {
        var days = KmsLimits.PendingWindowInDays(pendingWindowInDays);
        var id = (await FindAsync(keyId, allowAlias: false, cancellationToken).ConfigureAwait(false)).Row.KeyId;
        var row = await WriteAsync(connection =>
        {
            var current = CurrentRow(connection, id);
            RequireCustomerManaged(current, "kms:ScheduleKeyDeletion");
            if (current.State == KmsKeyState.PendingDeletion)
            {
                throw KmsException.PendingDeletion(KeyArn(id));
            }

            var deletionAt = Now() + (days * TimeSpan.TicksPerDay / TimeSpan.TicksPerMillisecond);
            KmsKeyStore.SetState(connection, id, KmsKeyState.PendingDeletion, deletionAt, days);
            return current with { State = KmsKeyState.PendingDeletion, DeletionAt = deletionAt, PendingWindowDays = days };
        }, cancellationToken).ConfigureAwait(false);
        return Metadata(row);
    }

    /// <summary>Takes a key out of PendingDeletion; as on AWS it comes back disabled.</summary>
    public async Task<KmsKeyMetadata> CancelKeyDeletionAsync(string keyId, CancellationToken cancellationToken)
    {
        var id = (await FindAsync(keyId, allowAlias: false, cancellationToken).ConfigureAwait(false)).Row.KeyId;
        var row = await WriteAsync(connection =>
        {
            var current = CurrentRow(connection, id);
            RequireCustomerManaged(current, "kms:CancelKeyDeletion");
            if (current.State != KmsKeyState.PendingDeletion)
            {
                throw new KmsException(KmsErrorCode.InvalidState, $"{KeyArn(id)} is not pending deletion.");
            }

            KmsKeyStore.SetState(connection, id, KmsKeyState.Disabled);
            return current with { State = KmsKeyState.Disabled, DeletionAt = null, PendingWindowDays = null };
        }, cancellationToken).ConfigureAwait(false);
        return Metadata(row);
    }

    private async Task<KmsKeyMetadata> SetEnabledAsync(string keyId, KmsKeyState state, string action, CancellationToken cancellationToken)
    {
        var id = (await FindAsync(keyId, allowAlias: false, cancellationToken).ConfigureAwait(false)).Row.KeyId;
        var row = await WriteAsync(connection =>
        {
            var current = CurrentRow(connection, id);
            RequireCustomerManaged(current, action);
            if (current.State == KmsKeyState.PendingDeletion)
            {
                throw KmsException.PendingDeletion(KeyArn(id));
            }

            KmsKeyStore.SetState(connection, id, state);
            return current with { State = state };
        }, cancellationToken).ConfigureAwait(false);
        return Metadata(row);
    }
}
