using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Coffer.Crypto;
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
    private const string KeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private readonly SqliteDatabase _database;
    private readonly MasterKey _masterKey;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Credential> _cache = new(StringComparer.Ordinal);

    public AccessKeyStore(SqliteDatabase database, MasterKey masterKey, TimeProvider time)
    {
        _database = database;
        _masterKey = masterKey;
        _time = time;
        _database.Migrate(IdentitySchema.Module, IdentitySchema.Migrations);
    }

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
        return await _database.WriteAsync(connection =>
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

            var newId = RootPrefix + RandomString(KeyIdAlphabet, 16);
            var newSecret = RandomString(SecretAlphabet, 40);
            Upsert(connection, newId, newSecret, root);
            return (newId, newSecret);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Credential?> FindAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(accessKeyId, out var cached))
        {
            return cached;
        }

        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT k.secret_sealed, k.principal_arn, k.principal_name, k.is_root, k.status, a.account_id
            FROM access_keys k CROSS JOIN account a WHERE k.access_key_id = $id
            """;
        command.Parameters.AddWithValue("$id", accessKeyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var secret = _masterKey.Open((byte[])reader.GetValue(0), Encoding.UTF8.GetBytes(accessKeyId));
        var principal = new Principal(reader.GetString(5), reader.GetString(1), reader.GetString(2), reader.GetInt64(3) != 0);
        var credential = new Credential(accessKeyId, secret, principal, reader.GetString(4) == "Active");
        _cache[accessKeyId] = credential;
        return credential;
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
        command.Parameters.AddWithValue("$secret", _masterKey.Seal(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(accessKeyId)));
        command.Parameters.AddWithValue("$arn", principal.Arn);
        command.Parameters.AddWithValue("$name", principal.Name);
        command.Parameters.AddWithValue("$root", principal.IsRoot ? 1 : 0);
        command.Parameters.AddWithValue("$at", _time.GetUtcNow().ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
        _cache.TryRemove(accessKeyId, out _);
    }

    private static string RandomString(string alphabet, int length) =>
        string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
            }
        });
}
