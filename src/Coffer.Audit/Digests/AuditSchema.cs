namespace Coffer.Audit.Digests;

/// <summary>The audit module's schema in the metadata database. Append only: a released entry must not change.</summary>
internal static class AuditSchema
{
    public const string Module = "audit";

    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE audit_signing_keys(
            fingerprint TEXT PRIMARY KEY,
            public_key BLOB NOT NULL,
            private_key_sealed BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            retired_at INTEGER);
        CREATE TABLE audit_digest_chain(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            s3_bucket TEXT NOT NULL,
            s3_object TEXT NOT NULL,
            end_time INTEGER NOT NULL,
            hash_value TEXT NOT NULL,
            signature TEXT NOT NULL);
        """,
    ];
}
