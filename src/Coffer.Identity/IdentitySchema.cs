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

        // IAM entities. Names are unique case-insensitively (NOCASE folds ASCII, and IAM names are ASCII).
        """
        CREATE TABLE iam_users(
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE,
            path TEXT NOT NULL,
            arn TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE TABLE iam_groups(
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE,
            path TEXT NOT NULL,
            arn TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE TABLE iam_roles(
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE,
            path TEXT NOT NULL,
            arn TEXT NOT NULL,
            trust_policy TEXT NOT NULL,
            max_session_seconds INTEGER NOT NULL,
            description TEXT,
            created_at INTEGER NOT NULL);
        CREATE TABLE iam_policies(
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE,
            path TEXT NOT NULL,
            arn TEXT NOT NULL UNIQUE,
            description TEXT,
            default_version TEXT NOT NULL,
            next_version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL);
        CREATE TABLE iam_policy_versions(
            policy_id TEXT NOT NULL REFERENCES iam_policies(id) ON DELETE CASCADE,
            version_id TEXT NOT NULL,
            document TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY(policy_id, version_id));
        CREATE TABLE iam_tags(
            entity_id TEXT NOT NULL,
            key TEXT NOT NULL COLLATE NOCASE,
            value TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY(entity_id, key));
        CREATE TABLE iam_inline_policies(
            entity_id TEXT NOT NULL,
            name TEXT NOT NULL COLLATE NOCASE,
            document TEXT NOT NULL,
            PRIMARY KEY(entity_id, name));
        CREATE TABLE iam_attachments(
            entity_id TEXT NOT NULL,
            policy_id TEXT NOT NULL REFERENCES iam_policies(id),
            PRIMARY KEY(entity_id, policy_id));
        CREATE INDEX iam_attachments_by_policy ON iam_attachments(policy_id);
        CREATE TABLE iam_group_members(
            group_id TEXT NOT NULL REFERENCES iam_groups(id),
            user_id TEXT NOT NULL REFERENCES iam_users(id),
            PRIMARY KEY(group_id, user_id));
        CREATE INDEX iam_group_members_by_user ON iam_group_members(user_id);
        ALTER TABLE access_keys ADD COLUMN user_id TEXT REFERENCES iam_users(id);
        ALTER TABLE access_keys ADD COLUMN last_used_at INTEGER;
        ALTER TABLE access_keys ADD COLUMN last_used_service TEXT;
        ALTER TABLE access_keys ADD COLUMN last_used_region TEXT;
        CREATE INDEX access_keys_by_user ON access_keys(user_id);
        """,
    ];
}
