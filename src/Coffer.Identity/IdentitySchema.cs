namespace Coffer.Identity;

/// <summary>The identity module's schema versions. Append only: a released entry must not change.</summary>
internal static class IdentitySchema
{
    public const string Module = "identity";

    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE account(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            account_id TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE TABLE access_keys(
            access_key_id TEXT PRIMARY KEY,
            secret_sealed BLOB NOT NULL,
            principal_arn TEXT NOT NULL,
            principal_name TEXT NOT NULL,
            is_root INTEGER NOT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        """,
    ];
}
