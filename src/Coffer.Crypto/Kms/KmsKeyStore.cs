using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Coffer.Crypto.Kms;

/// <summary>
/// The KMS tables. Key material exists in the clear only in buffers this class fills and clears:
/// it is generated, sealed under the master key bound to its key id and version, and stored.
/// Write methods run on the writer connection inside <see cref="SqliteDatabase.WriteAsync"/>.
/// </summary>
internal sealed class KmsKeyStore(SqliteDatabase database, MasterKey masterKey)
{
    public const int MaterialSize = 32;

    private const string KeyColumns = """
        key_id, manager, description, created_at, state, deletion_at, pending_window_days,
        rotation_period_days, rotation_anchor, current_version, on_demand_rotations, destroyed_at
        """;

    public SqliteDatabase Database => database;

    public async Task<KeySnapshot?> ReadAsync(string keyId, long generation, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenRead();
        var row = await ReadRowAsync(connection, keyId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var versions = new Dictionary<int, byte[]>();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, material_sealed FROM kms_key_versions WHERE key_id = $id";
        command.Parameters.AddWithValue("$id", keyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions[reader.GetInt32(0)] = (byte[])reader.GetValue(1);
        }

        return new KeySnapshot(row, versions, generation);
    }

    public async Task<string?> AliasTargetAsync(string aliasName, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key_id FROM kms_aliases WHERE name = $name";
        command.Parameters.AddWithValue("$name", aliasName);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public string? InternalKeyId()
    {
        using var connection = database.OpenRead();
        return InternalKeyId(connection);
    }

    public static string? InternalKeyId(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key_id FROM kms_keys WHERE manager = $manager";
        command.Parameters.AddWithValue("$manager", ManagerName(KmsKeyManager.Internal));
        return command.ExecuteScalar() as string;
    }

    /// <summary>Keys the KMS API lists (not the internal one, not destroyed), in key id order after <paramref name="afterKeyId"/>.</summary>
    public async Task<List<KmsKeyRow>> ListAsync(int limit, string? afterKeyId, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {KeyColumns} FROM kms_keys
            WHERE manager <> $internal AND destroyed_at IS NULL AND key_id > $after
            ORDER BY key_id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$internal", ManagerName(KmsKeyManager.Internal));
        command.Parameters.AddWithValue("$after", afterKeyId ?? string.Empty);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keys whose deletion window has passed or whose automatic rotation is due.</summary>
    public async Task<List<KmsKeyRow>> DueAsync(long now, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {KeyColumns} FROM kms_keys
            WHERE destroyed_at IS NULL AND (deletion_at <= $now OR rotation_period_days IS NOT NULL)
            """;
        command.Parameters.AddWithValue("$now", now);
        var rows = await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Where(row => row.IsDueForDestruction(now) || row.IsDueForRotation(now)).ToList();
    }

    public async Task<List<(string Name, string KeyId, long CreatedAt, long UpdatedAt)>> ListAliasesAsync(string? keyId, int limit, string? afterName, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT name, key_id, created_at, updated_at FROM kms_aliases
            WHERE name > $after AND ($key IS NULL OR key_id = $key)
            ORDER BY name LIMIT $limit
            """;
        command.Parameters.AddWithValue("$after", afterName ?? string.Empty);
        command.Parameters.AddWithValue("$key", (object?)keyId ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var aliases = new List<(string, string, long, long)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            aliases.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return aliases;
    }

    /// <summary>Rotations of a key (its versions after the first), oldest first, after version <paramref name="afterVersion"/>.</summary>
    public async Task<List<(int Version, long CreatedAt, KmsRotationType Type)>> ListRotationsAsync(string keyId, int limit, int afterVersion, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT version, created_at, rotation_type FROM kms_key_versions
            WHERE key_id = $id AND version > $after AND rotation_type IS NOT NULL
            ORDER BY version LIMIT $limit
            """;
        command.Parameters.AddWithValue("$id", keyId);
        command.Parameters.AddWithValue("$after", Math.Max(afterVersion, 1));
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rotations = new List<(int, long, KmsRotationType)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rotations.Add((reader.GetInt32(0), reader.GetInt64(1), reader.GetString(2) == "ON_DEMAND" ? KmsRotationType.OnDemand : KmsRotationType.Automatic));
        }

        return rotations;
    }

    public static KmsKeyRow? ReadRow(SqliteConnection connection, string keyId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {KeyColumns} FROM kms_keys WHERE key_id = $id";
        command.Parameters.AddWithValue("$id", keyId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Row(reader) : null;
    }

    public static string? AliasTarget(SqliteConnection connection, string aliasName)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key_id FROM kms_aliases WHERE name = $name";
        command.Parameters.AddWithValue("$name", aliasName);
        return command.ExecuteScalar() as string;
    }

    /// <summary>Inserts a key with fresh material as version 1.</summary>
    public void InsertKey(SqliteConnection connection, KmsKeyRow row)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO kms_keys({KeyColumns})
            VALUES($id, $manager, $description, $created, $state, NULL, NULL, $period, $anchor, 1, 0, NULL)
            """;
        command.Parameters.AddWithValue("$id", row.KeyId);
        command.Parameters.AddWithValue("$manager", ManagerName(row.Manager));
        command.Parameters.AddWithValue("$description", row.Description);
        command.Parameters.AddWithValue("$created", row.CreatedAt);
        command.Parameters.AddWithValue("$state", row.State.ToString());
        command.Parameters.AddWithValue("$period", (object?)row.RotationPeriodDays ?? DBNull.Value);
        command.Parameters.AddWithValue("$anchor", (object?)row.RotationAnchor ?? DBNull.Value);
        command.ExecuteNonQuery();
        InsertVersion(connection, row.KeyId, 1, row.CreatedAt, rotationType: null);
    }

    /// <summary>Adds a version with fresh material and makes it current.</summary>
    public void Rotate(SqliteConnection connection, KmsKeyRow row, long now, KmsRotationType type)
    {
        var version = row.CurrentVersion + 1;
        InsertVersion(connection, row.KeyId, version, now, type);
        using var command = connection.CreateCommand();
        command.CommandText = type == KmsRotationType.OnDemand
            ? "UPDATE kms_keys SET current_version = $version, on_demand_rotations = on_demand_rotations + 1 WHERE key_id = $id"
            : "UPDATE kms_keys SET current_version = $version, rotation_anchor = $now WHERE key_id = $id";
        command.Parameters.AddWithValue("$id", row.KeyId);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$now", now);
        command.ExecuteNonQuery();
    }

    public static void SetState(SqliteConnection connection, string keyId, KmsKeyState state, long? deletionAt = null, int? pendingWindowDays = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE kms_keys SET state = $state, deletion_at = $deletion, pending_window_days = $window WHERE key_id = $id";
        command.Parameters.AddWithValue("$id", keyId);
        command.Parameters.AddWithValue("$state", state.ToString());
        command.Parameters.AddWithValue("$deletion", (object?)deletionAt ?? DBNull.Value);
        command.Parameters.AddWithValue("$window", (object?)pendingWindowDays ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    public static void SetRotation(SqliteConnection connection, string keyId, int? periodDays, long? anchor)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE kms_keys SET rotation_period_days = $period, rotation_anchor = $anchor WHERE key_id = $id";
        command.Parameters.AddWithValue("$id", keyId);
        command.Parameters.AddWithValue("$period", (object?)periodDays ?? DBNull.Value);
        command.Parameters.AddWithValue("$anchor", (object?)anchor ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Destroys a key's material for good: the sealed material is overwritten with zeros, then
    /// deleted with SQLite's secure_delete on, so the freed pages are zeroed too; the aliases go;
    /// the key row stays as a tombstone so its id is never reused and its ciphertexts are known
    /// to be lost rather than foreign.
    /// </summary>
    public static void Destroy(SqliteConnection connection, string keyId, long now)
    {
        Execute(connection, "PRAGMA secure_delete = ON");
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE kms_key_versions SET material_sealed = zeroblob(length(material_sealed)) WHERE key_id = $id;
                DELETE FROM kms_key_versions WHERE key_id = $id;
                DELETE FROM kms_aliases WHERE key_id = $id;
                UPDATE kms_keys SET destroyed_at = $now, rotation_period_days = NULL, rotation_anchor = NULL WHERE key_id = $id;
                """;
            command.Parameters.AddWithValue("$id", keyId);
            command.Parameters.AddWithValue("$now", now);
            command.ExecuteNonQuery();
        }
        finally
        {
            Execute(connection, "PRAGMA secure_delete = OFF");
        }
    }

    /// <summary>Points an alias at a key, making it if it does not exist.</summary>
    public static void SetAlias(SqliteConnection connection, string name, string keyId, long now)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO kms_aliases(name, key_id, created_at, updated_at) VALUES($name, $key, $now, $now)
            ON CONFLICT(name) DO UPDATE SET key_id = $key, updated_at = $now
            """;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$key", keyId);
        command.Parameters.AddWithValue("$now", now);
        command.ExecuteNonQuery();
    }

    public static void DeleteAlias(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM kms_aliases WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        command.ExecuteNonQuery();
    }

    /// <summary>Opens a version's sealed material into <paramref name="material"/>, which the caller clears.</summary>
    public void OpenMaterial(string keyId, int version, byte[] sealedMaterial, Span<byte> material) =>
        masterKey.Open(sealedMaterial, AssociatedData(keyId, version), material);

    /// <summary>
    /// Part of a master-key rotation: every version's material re-sealed under
    /// <paramref name="replacement"/>. Throws, so the transaction rolls back, if any fails to open.
    /// </summary>
    public static int Reseal(SqliteConnection connection, MasterKey current, MasterKey replacement) =>
        SealedColumn.Reseal(connection, "kms_key_versions", "material_sealed", ["key_id", "version"], keys => AssociatedData((string)keys[0], Convert.ToInt32(keys[1], CultureInfo.InvariantCulture)), current, replacement);

    private void InsertVersion(SqliteConnection connection, string keyId, int version, long now, KmsRotationType? rotationType)
    {
        Span<byte> material = stackalloc byte[MaterialSize];
        byte[] sealedMaterial;
        try
        {
            RandomNumberGenerator.Fill(material);
            sealedMaterial = masterKey.Seal(material, AssociatedData(keyId, version));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }

        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO kms_key_versions(key_id, version, material_sealed, created_at, rotation_type) VALUES($id, $version, $sealed, $now, $type)";
        command.Parameters.AddWithValue("$id", keyId);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$sealed", sealedMaterial);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$type", rotationType switch
        {
            KmsRotationType.OnDemand => "ON_DEMAND",
            KmsRotationType.Automatic => "AUTOMATIC",
            _ => DBNull.Value,
        });
        command.ExecuteNonQuery();
    }

    /// <summary>Material is bound to its key and version: a sealed value moved to another row fails to open.</summary>
    private static byte[] AssociatedData(string keyId, int version) => Encoding.UTF8.GetBytes($"kms-key/{keyId}/{version}");

    private static async Task<KmsKeyRow?> ReadRowAsync(SqliteConnection connection, string keyId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {KeyColumns} FROM kms_keys WHERE key_id = $id";
        command.Parameters.AddWithValue("$id", keyId);
        var rows = await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<List<KmsKeyRow>> ReadRowsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<KmsKeyRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(Row(reader));
        }

        return rows;
    }

    private static KmsKeyRow Row(SqliteDataReader reader) => new()
    {
        KeyId = reader.GetString(0),
        Manager = reader.GetString(1) switch
        {
            "AWS" => KmsKeyManager.Aws,
            "INTERNAL" => KmsKeyManager.Internal,
            _ => KmsKeyManager.Customer,
        },
        Description = reader.GetString(2),
        CreatedAt = reader.GetInt64(3),
        State = Enum.Parse<KmsKeyState>(reader.GetString(4)),
        DeletionAt = reader.IsDBNull(5) ? null : reader.GetInt64(5),
        PendingWindowDays = reader.IsDBNull(6) ? null : reader.GetInt32(6),
        RotationPeriodDays = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        RotationAnchor = reader.IsDBNull(8) ? null : reader.GetInt64(8),
        CurrentVersion = reader.GetInt32(9),
        OnDemandRotations = reader.GetInt32(10),
        DestroyedAt = reader.IsDBNull(11) ? null : reader.GetInt64(11),
    };

    private static string ManagerName(KmsKeyManager manager) => manager switch
    {
        KmsKeyManager.Aws => "AWS",
        KmsKeyManager.Internal => "INTERNAL",
        _ => "CUSTOMER",
    };

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
