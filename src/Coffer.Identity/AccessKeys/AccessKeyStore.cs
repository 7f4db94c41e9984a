using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Coffer.Crypto;
using Coffer.Identity.Iam;
using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Coffer.Identity.AccessKeys;

/// <summary>
/// The account and its access keys. Secrets are stored sealed under the master key, bound to
/// their key id, and kept unsealed only in this process's cache.
/// </summary>
public sealed class AccessKeyStore
{
    private const string RootPrefix = "AKIA";

    private readonly SqliteDatabase _database;
    private readonly MasterKey _masterKey;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (Credential? Credential, long Generation)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AccessKeyUse> _pendingUse = new(StringComparer.Ordinal);

    public AccessKeyStore(SqliteDatabase database, MasterKey masterKey, TimeProvider time)
    {
        _database = database;
        _masterKey = masterKey;
        _time = time;
        _database.Migrate(IdentitySchema.Module, IdentitySchema.Migrations);
    }

    /// <summary>Bumped by every IAM change; cached credentials read at an older generation are read again.</summary>
    public IdentityGeneration Generation { get; } = new();

    /// <summary>The account id, made on first start.</summary>
    public async Task<string> EnsureAccountAsync(CancellationToken cancellationToken) =>
        await _database.WriteAsync(connection =>
        {
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT account_id FROM account WHERE id = 1";
            if (read.ExecuteScalar() is string existing)
            {
                return existing;
            }

            var accountId = string.Concat(Enumerable.Range(0, 12).Select(i => (char)('0' + RandomNumberGenerator.GetInt32(i == 0 ? 1 : 0, 10))));
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO account(id, account_id, created_at) VALUES(1, $id, $at)";
            insert.Parameters.AddWithValue("$id", accountId);
            insert.Parameters.AddWithValue("$at", _time.GetUtcNow().ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
            return accountId;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Makes sure the account has root credentials. With <paramref name="accessKeyId"/> and
    /// <paramref name="secret"/> given they become the root key; otherwise one is generated when
    /// none exists. Returns the secret only when it was generated now, so it is shown once.
    /// </summary>
    public async Task<(string AccessKeyId, string? GeneratedSecret)> EnsureRootKeyAsync(string? accessKeyId, string? secret, CancellationToken cancellationToken)
    {
        var accountId = await EnsureAccountAsync(cancellationToken).ConfigureAwait(false);
        var root = Principal.Root(accountId);
        var result = await _database.WriteAsync(connection =>
        {
            if (accessKeyId is not null && secret is not null)
            {
                using var remove = connection.CreateCommand();
                remove.CommandText = "DELETE FROM access_keys WHERE is_root = 1 AND access_key_id <> $id";
                remove.Parameters.AddWithValue("$id", accessKeyId);
                remove.ExecuteNonQuery();
                Upsert(connection, accessKeyId, secret, root);
                return (accessKeyId, (string?)null);
            }

            using var read = connection.CreateCommand();
            read.CommandText = "SELECT access_key_id FROM access_keys WHERE is_root = 1 LIMIT 1";
            if (read.ExecuteScalar() is string existing)
            {
                return (existing, null);
            }

            var newId = IdentityIds.New(RootPrefix);
            var newSecret = IdentityIds.NewSecret();
            Upsert(connection, newId, newSecret, root);
            return (newId, newSecret);
        }, cancellationToken).ConfigureAwait(false);
        Generation.Bump();
        return result;
    }

    /// <summary>
    /// The key and who it acts for: root, or an IAM user with its tags. Null when the key, or
    /// the user it belonged to, does not exist.
    /// </summary>
    public async Task<Credential?> FindAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        // Read the generation first: a change committed during the read makes this entry stale.
        var generation = Generation.Current;
        if (_cache.TryGetValue(accessKeyId, out var cached) && cached.Generation == generation)
        {
            return cached.Credential;
        }

        var credential = await ReadAsync(accessKeyId, cancellationToken).ConfigureAwait(false);
        if (_cache.Count > 100_000)
        {
            _cache.Clear();
        }

        _cache[accessKeyId] = (credential, generation);
        return credential;
    }

    private async Task<Credential?> ReadAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT k.secret_sealed, k.principal_arn, k.principal_name, k.is_root, k.status, a.account_id,
                   k.user_id, u.id, u.name, u.arn
            FROM access_keys k CROSS JOIN account a LEFT JOIN iam_users u ON u.id = k.user_id
            WHERE k.access_key_id = $id
            """;
        command.Parameters.AddWithValue("$id", accessKeyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var secret = _masterKey.Open((byte[])reader.GetValue(0), Encoding.UTF8.GetBytes(accessKeyId));
        var accountId = reader.GetString(5);
        var isActive = reader.GetString(4) == "Active";
        if (reader.IsDBNull(6))
        {
            var root = new Principal(accountId, reader.GetString(1), reader.GetString(2), reader.GetInt64(3) != 0);
            return new Credential(accessKeyId, secret, root, isActive);
        }

        if (reader.IsDBNull(7))
        {
            return null;
        }

        var userId = reader.GetString(7);
        var userName = reader.GetString(8);
        var tags = await ReadTagsAsync(connection, userId, cancellationToken).ConfigureAwait(false);
        var user = new Principal(accountId, reader.GetString(9), userName, IsRoot: false)
        {
            Type = PrincipalType.User,
            UserId = userId,
            UserName = userName,
            Tags = tags,
        };
        return new Credential(accessKeyId, secret, user, isActive) { DeactivatesAt = ScheduledDeactivation.For(tags, accessKeyId) };
    }

    private static async Task<IReadOnlyDictionary<string, string>> ReadTagsAsync(SqliteConnection connection, string entityId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, value FROM iam_tags WHERE entity_id = $id";
        command.Parameters.AddWithValue("$id", entityId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tags[reader.GetString(0)] = reader.GetString(1);
        }

        return tags;
    }

    /// <summary>Notes a successful use in memory; <see cref="FlushUsageAsync"/> writes them in one batch.</summary>
    public void RecordUse(string accessKeyId, string service, string region) =>
        _pendingUse[accessKeyId] = new AccessKeyUse(_time.GetUtcNow(), service, region);

    /// <summary>A use not yet flushed, which is newer than what the database holds.</summary>
    public AccessKeyUse? PendingUse(string accessKeyId) => _pendingUse.TryGetValue(accessKeyId, out var use) ? use : null;

    public async Task FlushUsageAsync(CancellationToken cancellationToken)
    {
        if (_pendingUse.IsEmpty)
        {
            return;
        }

        var batch = new List<KeyValuePair<string, AccessKeyUse>>();
        foreach (var entry in _pendingUse)
        {
            batch.Add(entry);
        }

        await _database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE access_keys SET last_used_at = $at, last_used_service = $service, last_used_region = $region WHERE access_key_id = $id";
            var id = command.Parameters.Add("$id", SqliteType.Text);
            var at = command.Parameters.Add("$at", SqliteType.Integer);
            var service = command.Parameters.Add("$service", SqliteType.Text);
            var region = command.Parameters.Add("$region", SqliteType.Text);
            foreach (var (keyId, use) in batch)
            {
                id.Value = keyId;
                at.Value = use.Date.ToUnixTimeMilliseconds();
                service.Value = use.Service;
                region.Value = use.Region;
                command.ExecuteNonQuery();
            }

            return batch.Count;
        }, cancellationToken).ConfigureAwait(false);

        // Keep an entry that was replaced by a newer use while this batch was written.
        foreach (var entry in batch)
        {
            _pendingUse.TryRemove(entry);
        }
    }

    private void Upsert(SqliteConnection connection, string accessKeyId, string secret, Principal principal)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO access_keys(access_key_id, secret_sealed, principal_arn, principal_name, is_root, status, created_at)
            VALUES($id, $secret, $arn, $name, $root, 'Active', $at)
            ON CONFLICT(access_key_id) DO UPDATE SET secret_sealed = $secret, status = 'Active'
            """;
        command.Parameters.AddWithValue("$id", accessKeyId);
        command.Parameters.AddWithValue("$secret", Seal(accessKeyId, secret));
        command.Parameters.AddWithValue("$arn", principal.Arn);
        command.Parameters.AddWithValue("$name", principal.Name);
        command.Parameters.AddWithValue("$root", principal.IsRoot ? 1 : 0);
        command.Parameters.AddWithValue("$at", _time.GetUtcNow().ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Whether the master key opens the stored secrets (true when there are none): for data
    /// from before the master key had a check value of its own.
    /// </summary>
    public async Task<bool> MasterKeyOpensSecretsAsync(CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT access_key_id, secret_sealed FROM access_keys LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        try
        {
            CryptographicOperations.ZeroMemory(_masterKey.Open((byte[])reader.GetValue(1), Encoding.UTF8.GetBytes(reader.GetString(0))));
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// Part of a master-key rotation (run with the server stopped): every access-key secret
    /// re-sealed under <paramref name="replacement"/> in the caller's transaction. Throws, so the
    /// transaction rolls back, if any secret fails to open under <paramref name="current"/>.
    /// </summary>
    public static int ResealSecrets(SqliteConnection connection, MasterKey current, MasterKey replacement) =>
        SealedColumn.Reseal(connection, "access_keys", "secret_sealed", ["access_key_id"], keys => Encoding.UTF8.GetBytes((string)keys[0]), current, replacement);

    /// <summary>A secret sealed under the master key, bound to its key id.</summary>
    internal byte[] Seal(string accessKeyId, string secret) =>
        _masterKey.Seal(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(accessKeyId));
}
