namespace Coffer.Crypto;

/// <summary>The crypto module's schema versions. Append only: a released entry must not change.</summary>
internal static class CryptoSchema
{
    public const string Module = "crypto";

    public static readonly IReadOnlyList<string> Migrations =
    [
        // The master key's check value, and the KMS: keys, their versions' material (sealed
        // under the master key), and aliases. Times are Unix milliseconds.
        """
        CREATE TABLE master_key_check(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            sealed BLOB NOT NULL);
        CREATE TABLE kms_keys(
            key_id TEXT PRIMARY KEY,
            manager TEXT NOT NULL,
            description TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            state TEXT NOT NULL,
            deletion_at INTEGER,
            pending_window_days INTEGER,
            rotation_period_days INTEGER,
            rotation_anchor INTEGER,
            current_version INTEGER NOT NULL,
            on_demand_rotations INTEGER NOT NULL DEFAULT 0,
            destroyed_at INTEGER);
        CREATE INDEX kms_keys_by_manager ON kms_keys(manager);
        CREATE TABLE kms_key_versions(
            key_id TEXT NOT NULL REFERENCES kms_keys(key_id),
            version INTEGER NOT NULL,
            material_sealed BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            rotation_type TEXT,
            PRIMARY KEY(key_id, version));
        CREATE TABLE kms_aliases(
            name TEXT PRIMARY KEY,
            key_id TEXT NOT NULL REFERENCES kms_keys(key_id),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL);
        CREATE INDEX kms_aliases_by_key ON kms_aliases(key_id);
        """,
    ];
}
