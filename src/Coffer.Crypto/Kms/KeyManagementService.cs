using System.Collections.Concurrent;
using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Coffer.Crypto.Kms;

/// <summary>
/// The built-in KMS: symmetric keys with versions, aliases, rotation and scheduled deletion, with
/// AWS KMS's rules, and data keys for encryption at rest. Keys and their sealed material are
/// cached per key and read again after any change; material is opened per operation into a
/// buffer that is cleared at once. Due rotations and deletions happen when a key is used and
/// in <see cref="RunMaintenanceAsync"/>.
/// </summary>
/// <remarks>The cache is invalidated by this process's writes only: one server per data directory.</remarks>
public sealed partial class KeyManagementService : IDataKeyService
{
    private const int MaxCachedKeys = 10_000;
    private const string AwsS3KeyDescription = "Default key that protects my S3 objects when no other key is defined";

    private readonly KmsKeyStore _store;
    private readonly KmsOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, KeySnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string? KeyId, long Generation)> _aliases = new(StringComparer.Ordinal);
    private long _generation;
    private string? _internalKeyId;

    public KeyManagementService(SqliteDatabase database, MasterKey masterKey, KmsOptions options, TimeProvider time)
    {
        database.Migrate(CryptoSchema.Module, CryptoSchema.Migrations);
        _store = new KmsKeyStore(database, masterKey);
        _options = options;
        _time = time;
    }

    public string KeyArn(string keyId) => $"arn:aws:kms:{_options.Region}:{_options.AccountId}:key/{keyId}";

    public string AliasArn(string aliasName) => $"arn:aws:kms:{_options.Region}:{_options.AccountId}:{aliasName}";

    /// <summary>
    /// Part of a master-key rotation (run with the server stopped): every key version's material
    /// re-sealed under <paramref name="replacement"/> in the caller's transaction.
    /// </summary>
    public static int ResealKeyMaterial(SqliteConnection connection, MasterKey current, MasterKey replacement) =>
        KmsKeyStore.Reseal(connection, current, replacement);

    /// <summary>Rotates keys whose automatic rotation is due and destroys keys past their deletion window.</summary>
    public async Task<KmsMaintenanceResult> RunMaintenanceAsync(CancellationToken cancellationToken)
    {
        var rotated = 0;
        var destroyed = 0;
        foreach (var row in await _store.DueAsync(Now(), cancellationToken).ConfigureAwait(false))
        {
            switch (await MaintainAsync(row.KeyId, cancellationToken).ConfigureAwait(false))
            {
                case Maintenance.Rotated:
                    rotated++;
                    break;
                case Maintenance.Destroyed:
                    destroyed++;
                    break;
            }
        }

        return new KmsMaintenanceResult(rotated, destroyed);
    }

    /// <summary>
    /// The key <paramref name="keyId"/> names, in any of the four forms when <paramref name="allowAlias"/>.
    /// Hidden (internal) and destroyed keys are not found.
    /// </summary>
    private Task<KeySnapshot> FindAsync(string keyId, bool allowAlias, CancellationToken cancellationToken) =>
        FindAsync(KeyReference.Parse(keyId, _options, allowAlias), cancellationToken);

    private async Task<KeySnapshot> FindAsync(KeyReference reference, CancellationToken cancellationToken)
    {
        var id = reference.KeyId;
        if (reference.AliasName is { } alias)
        {
            id = await AliasTargetAsync(alias, cancellationToken).ConfigureAwait(false)
                ?? (alias == AliasNames.AwsS3
                    ? await EnsureAwsS3KeyAsync(cancellationToken).ConfigureAwait(false)
                    : throw KmsException.AliasNotFound(AliasArn(alias)));
        }

        var snapshot = await SnapshotAsync(id!, cancellationToken).ConfigureAwait(false);
        if (snapshot is null || snapshot.Row.Manager == KmsKeyManager.Internal)
        {
            throw KmsException.KeyNotFound(KeyArn(id!));
        }

        return snapshot.Row.DestroyedAt is null ? snapshot : throw KmsException.KeyDestroyedError(KeyArn(id!));
    }

    /// <summary>The key as cached, or read when anything changed since; due maintenance is done first.</summary>
    private async Task<KeySnapshot?> SnapshotAsync(string keyId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var generation = Volatile.Read(ref _generation);
            if (!_snapshots.TryGetValue(keyId, out var snapshot) || snapshot.Generation != generation)
            {
                snapshot = await _store.ReadAsync(keyId, generation, cancellationToken).ConfigureAwait(false);
                if (snapshot is null)
                {
                    return null;
                }

                if (_snapshots.Count >= MaxCachedKeys)
                {
                    _snapshots.Clear();
                }

                _snapshots[keyId] = snapshot;
            }

            var now = Now();
            if (attempt > 0 || !(snapshot.Row.IsDueForDestruction(now) || snapshot.Row.IsDueForRotation(now)))
            {
                return snapshot;
            }

            await MaintainAsync(keyId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string?> AliasTargetAsync(string aliasName, CancellationToken cancellationToken)
    {
        var generation = Volatile.Read(ref _generation);
        if (_aliases.TryGetValue(aliasName, out var cached) && cached.Generation == generation)
        {
            return cached.KeyId;
        }

        var keyId = await _store.AliasTargetAsync(aliasName, cancellationToken).ConfigureAwait(false);
        if (_aliases.Count >= MaxCachedKeys)
        {
            _aliases.Clear();
        }

        _aliases[aliasName] = (keyId, generation);
        return keyId;
    }

    /// <summary>The AWS managed key for S3, made with its alias on first use, rotated yearly.</summary>
    private Task<string> EnsureAwsS3KeyAsync(CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            if (KmsKeyStore.AliasTarget(connection, AliasNames.AwsS3) is { } existing)
            {
                return existing;
            }

            var row = NewKey(KmsKeyManager.Aws, AwsS3KeyDescription, KmsLimits.DefaultRotationPeriodDays);
            _store.InsertKey(connection, row);
            KmsKeyStore.SetAlias(connection, AliasNames.AwsS3, row.KeyId, row.CreatedAt);
            return row.KeyId;
        }, cancellationToken);

    /// <summary>The server's own key for SSE-S3, made on first use, rotated yearly like AWS's owned keys.</summary>
    private async Task<string> InternalKeyIdAsync(CancellationToken cancellationToken)
    {
        if (_internalKeyId is { } known)
        {
            return known;
        }

        var keyId = _store.InternalKeyId()
            ?? await WriteAsync(connection =>
            {
                if (KmsKeyStore.InternalKeyId(connection) is { } existing)
                {
                    return existing;
                }

                var row = NewKey(KmsKeyManager.Internal, "Coffer's key for SSE-S3", KmsLimits.DefaultRotationPeriodDays);
                _store.InsertKey(connection, row);
                return row.KeyId;
            }, cancellationToken).ConfigureAwait(false);
        _internalKeyId = keyId;
        return keyId;
    }

    private KmsKeyRow NewKey(KmsKeyManager manager, string description, int? rotationPeriodDays)
    {
        var now = Now();
        return new KmsKeyRow
        {
            KeyId = Guid.NewGuid().ToString("D"),
            Manager = manager,
            Description = description,
            CreatedAt = now,
            State = KmsKeyState.Enabled,
            RotationPeriodDays = rotationPeriodDays,
            RotationAnchor = rotationPeriodDays is null ? null : now,
            CurrentVersion = 1,
            OnDemandRotations = 0,
        };
    }

    private async Task<Maintenance> MaintainAsync(string keyId, CancellationToken cancellationToken) =>
        await WriteAsync(connection =>
        {
            var row = KmsKeyStore.ReadRow(connection, keyId);
            var now = Now();
            if (row is null)
            {
                return Maintenance.None;
            }

            if (row.IsDueForDestruction(now))
            {
                KmsKeyStore.Destroy(connection, keyId, now);
                return Maintenance.Destroyed;
            }

            if (row.IsDueForRotation(now))
            {
                _store.Rotate(connection, row, now, KmsRotationType.Automatic);
                return Maintenance.Rotated;
            }

            return Maintenance.None;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>A write in one transaction; the caches are read again afterwards.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.Database.WriteAsync(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Increment(ref _generation);
        }
    }

    /// <summary>The key's row inside a write, as it is now; a key destroyed or hidden meanwhile is not found.</summary>
    private KmsKeyRow CurrentRow(SqliteConnection connection, string keyId)
    {
        var row = KmsKeyStore.ReadRow(connection, keyId);
        if (row is null || row.Manager == KmsKeyManager.Internal)
        {
            throw KmsException.KeyNotFound(KeyArn(keyId));
        }

        return row.DestroyedAt is null ? row : throw KmsException.KeyDestroyedError(KeyArn(keyId));
    }

    /// <summary>Cryptographic use needs an enabled key: AWS's DisabledException and KMSInvalidStateException otherwise.</summary>
    private void RequireEnabled(KmsKeyRow row)
    {
        switch (row.State)
        {
            case KmsKeyState.Disabled:
                throw KmsException.Disabled(KeyArn(row.KeyId));
            case KmsKeyState.PendingDeletion:
                throw KmsException.PendingDeletion(KeyArn(row.KeyId));
        }
    }

    /// <summary>AWS managed keys' built-in policy allows only describing them and their use through S3.</summary>
    private void RequireCustomerManaged(KmsKeyRow row, string action)
    {
        if (row.Manager != KmsKeyManager.Customer)
        {
            throw KmsException.AwsManaged(action, KeyArn(row.KeyId));
        }
    }

    private KmsKeyMetadata Metadata(KmsKeyRow row) => new()
    {
        KeyId = row.KeyId,
        Arn = KeyArn(row.KeyId),
        AccountId = _options.AccountId,
        Description = row.Description,
        CreationDate = DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt),
        State = row.State,
        Manager = row.Manager,
        DeletionDate = row.DeletionAt is { } deletion ? DateTimeOffset.FromUnixTimeMilliseconds(deletion) : null,
        PendingWindowInDays = row.PendingWindowDays,
        RotationPeriodInDays = row.RotationPeriodDays,
        NextRotationDate = row.NextRotationAt is { } next ? DateTimeOffset.FromUnixTimeMilliseconds(next) : null,
    };

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static KmsException InvalidMarker() => new(KmsErrorCode.InvalidMarker, "Invalid marker.");

    private enum Maintenance
    {
        None,
        Rotated,
        Destroyed,
    }
}
