using System.Globalization;

namespace Coffer.Crypto.Kms;

/// <summary>Rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations.</summary>
public sealed partial class KeyManagementService
{
    /// <summary>
    /// Turns automatic rotation on (or changes its period): the key rotates
    /// <paramref name="rotationPeriodInDays"/> (90–2560, default 365) after it was turned on or last
    /// rotated automatically.
    /// </summary>
    public async Task<KmsKeyMetadata> EnableKeyRotationAsync(string keyId, int? rotationPeriodInDays, CancellationToken cancellationToken)
    {
        var days = KmsLimits.RotationPeriodInDays(rotationPeriodInDays);
        return await ChangeRotationAsync(keyId, "kms:EnableKeyRotation", row => (days, row.RotationAnchor ?? Now()), cancellationToken).ConfigureAwait(false);
    }

    public async Task<KmsKeyMetadata> DisableKeyRotationAsync(string keyId, CancellationToken cancellationToken) =>
        await ChangeRotationAsync(keyId, "kms:DisableKeyRotation", _ => (null, null), cancellationToken).ConfigureAwait(false);

    /// <summary>The key with its rotation settings (<see cref="KmsKeyMetadata.RotationPeriodInDays"/>, <see cref="KmsKeyMetadata.NextRotationDate"/>).</summary>
    public async Task<KmsKeyMetadata> GetKeyRotationStatusAsync(string keyId, CancellationToken cancellationToken) =>
        Metadata((await FindAsync(keyId, allowAlias: false, cancellationToken).ConfigureAwait(false)).Row);

    /// <summary>A new version now, which encrypts from now on; older versions still decrypt. The automatic schedule is unchanged.</summary>
    public async Task<KmsKeyMetadata> RotateKeyOnDemandAsync(string keyId, CancellationToken cancellationToken)
    {
        var id = (await FindAsync(keyId, allowAlias: false, cancellationToken).ConfigureAwait(false)).Row.KeyId;
        var row = await WriteAsync(connection =>
        {
            var current = CurrentRow(connection, id);
            RequireCustomerManaged(current, "kms:RotateKeyOnDemand");
            RequireEnabled(current);
            if (current.OnDemandRotations >= KmsLimits.MaxOnDemandRotations)
            {
                throw new KmsException(KmsErrorCode.LimitExceeded, $"{KeyArn(id)} has been rotated on demand the most times allowed ({KmsLimits.MaxOnDemandRotations}).");
            }

            _store.Rotate(connection, current, Now(), KmsRotationType.OnDemand);
            return current with { CurrentVersion = current.CurrentVersion + 1, OnDemandRotations = current.OnDemandRotations + 1 };
        }, cancellationToken).ConfigureAwait(false);
        return Metadata(row);
    }

    /// <summary>Completed rotations, oldest first.</summary>
    public async Task<KmsPage<KmsKeyRotation>> ListKeyRotationsAsync(string keyId, int? limit, string? marker, CancellationToken cancellationToken)
    {
        var pageSize = KmsLimits.Limit(limit, 100, 1000);
        var after = 0;
        if (marker is not null && !int.TryParse(marker, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw InvalidMarker();
        }

        var id = (await FindAsync(keyId, allowAlias: false, cancellationToken).ConfigureAwait(false)).Row.KeyId;
        var versions = await _store.ListRotationsAsync(id, pageSize + 1, after, cancellationToken).ConfigureAwait(false);
        var page = versions.Take(pageSize).ToList();
        return new KmsPage<KmsKeyRotation>(
            page.Select(v => new KmsKeyRotation(id, DateTimeOffset.FromUnixTimeMilliseconds(v.CreatedAt), v.Type)).ToList(),
            versions.Count > pageSize ? page[^1].Version.ToString(CultureInfo.InvariantCulture) : null);
    }

    private async Task<KmsKeyMetadata> ChangeRotationAsync(string keyId, string action, Func<KmsKeyRow, (int? Days, long? Anchor)> change, CancellationToken cancellationToken)
    {
        var id = (await FindAsync(keyId, allowAlias: false, cancellationToken).ConfigureAwait(false)).Row.KeyId;
        var row = await WriteAsync(connection =>
        {
            var current = CurrentRow(connection, id);
            RequireCustomerManaged(current, action);
            RequireEnabled(current);
            var (days, anchor) = change(current);
            KmsKeyStore.SetRotation(connection, id, days, anchor);
            return current with { RotationPeriodDays = days, RotationAnchor = anchor };
        }, cancellationToken).ConfigureAwait(false);
        return Metadata(row);
    }
}
