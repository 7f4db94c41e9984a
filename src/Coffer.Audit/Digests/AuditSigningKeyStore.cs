using System.Security.Cryptography;
using System.Text;
using Coffer.Crypto;
using Coffer.Storage.Sqlite;

namespace Coffer.Audit.Digests;

/// <summary>
/// The digest-signing key pairs. The private key is stored sealed under the master key (bound to
/// its fingerprint); public keys stay readable so old digests can still be checked after a new
/// key takes over. The last digest's link, which the next digest signs, is kept here too.
/// </summary>
public sealed class AuditSigningKeyStore
{
    private const string SealingContext = "coffer-audit-signing-key:";

    private readonly SqliteDatabase _database;
    private readonly MasterKey _masterKey;
    private readonly TimeProvider _time;

    public AuditSigningKeyStore(SqliteDatabase database, MasterKey masterKey, TimeProvider time)
    {
        _database = database;
        _masterKey = masterKey;
        _time = time;
        _database.Migrate(AuditSchema.Module, AuditSchema.Migrations);
    }

    /// <summary>
    /// Master-key rotation: re-seals every signing key's private half in the caller's transaction;
    /// none in a database the audit module never wrote to.
    /// </summary>
    public static int ResealPrivateKeys(Microsoft.Data.Sqlite.SqliteConnection connection, MasterKey current, MasterKey replacement)
    {
        using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_signing_keys'";
            if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return 0;
            }
        }

        return SealedColumn.Reseal(connection, "audit_signing_keys", "private_key_sealed", ["fingerprint"], keys => Binding((string)keys[0]), current, replacement);
    }

    /// <summary>The active signing key, generated and stored on first use.</summary>
    public async Task<AuditSigningKey> GetOrCreateAsync(CancellationToken cancellationToken)
    {
        var (fingerprint, sealedKey, createdAt) = await _database.WriteAsync(connection =>
        {
            using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT fingerprint, private_key_sealed, created_at FROM audit_signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1";
                using var reader = read.ExecuteReader();
                if (reader.Read())
                {
                    return (reader.GetString(0), (byte[])reader.GetValue(1), reader.GetInt64(2));
                }
            }

            using var key = AuditSigningKey.Generate(_time.GetUtcNow());
            var pkcs8 = key.ExportPkcs8();
            try
            {
                var sealedPrivate = _masterKey.Seal(pkcs8, Binding(key.Fingerprint));
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO audit_signing_keys(fingerprint, public_key, private_key_sealed, created_at) VALUES($f, $pub, $priv, $at)";
                insert.Parameters.AddWithValue("$f", key.Fingerprint);
                insert.Parameters.AddWithValue("$pub", key.PublicKey.SubjectPublicKeyInfo);
                insert.Parameters.AddWithValue("$priv", sealedPrivate);
                insert.Parameters.AddWithValue("$at", key.CreatedAt.ToUnixTimeMilliseconds());
                insert.ExecuteNonQuery();
                return (key.Fingerprint, sealedPrivate, key.CreatedAt.ToUnixTimeMilliseconds());
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }, cancellationToken).ConfigureAwait(false);

        var opened = _masterKey.Open(sealedKey, Binding(fingerprint));
        try
        {
            return AuditSigningKey.FromPkcs8(opened, DateTimeOffset.FromUnixTimeMilliseconds(createdAt));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(opened);
        }
    }

    /// <summary>Every public key ever used, newest first, for verification and `coffer audit public-key`.</summary>
    public async Task<IReadOnlyList<AuditPublicKey>> ListPublicKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT public_key FROM audit_signing_keys ORDER BY created_at DESC";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<AuditPublicKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(AuditPublicKey.FromSubjectPublicKeyInfo((byte[])reader.GetValue(0)));
        }

        return keys;
    }

    /// <summary>The last digest delivered, which the next one chains to; null before the first.</summary>
    public async Task<DigestLink?> GetLastDigestAsync(CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT s3_bucket, s3_object, end_time, hash_value, signature FROM audit_digest_chain WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new DigestLink(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetString(3), reader.GetString(4))
            : null;
    }

    /// <summary>Records a delivered digest as the one the next digest chains to. Call only after it is in the bucket.</summary>
    public Task SaveLastDigestAsync(DigestLink link, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection => WriteLastDigest(connection, link), cancellationToken);

    /// <summary>As <see cref="SaveLastDigestAsync"/>, inside a caller's write (with what else the digest settles).</summary>
    internal static int WriteLastDigest(Microsoft.Data.Sqlite.SqliteConnection connection, DigestLink link)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO audit_digest_chain(id, s3_bucket, s3_object, end_time, hash_value, signature) VALUES(1, $b, $o, $t, $h, $s)
            ON CONFLICT(id) DO UPDATE SET s3_bucket = $b, s3_object = $o, end_time = $t, hash_value = $h, signature = $s
            """;
        command.Parameters.AddWithValue("$b", link.S3Bucket);
        command.Parameters.AddWithValue("$o", link.S3Object);
        command.Parameters.AddWithValue("$t", link.EndTime.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$h", link.HashValue);
        command.Parameters.AddWithValue("$s", link.Signature);
        return command.ExecuteNonQuery();
    }

    private static byte[] Binding(string fingerprint) => Encoding.UTF8.GetBytes(SealingContext + fingerprint);
}
