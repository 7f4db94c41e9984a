namespace Coffer.Storage.Sqlite;

/// <summary>The storage module's schema versions. Append only: a released entry must not change.</summary>
internal static class StorageSchema
{
    public const string Module = "storage";

    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE buckets(
            name TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL,
            region TEXT NOT NULL);
        CREATE TABLE objects(
            bucket TEXT NOT NULL,
            key BLOB NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            last_modified INTEGER NOT NULL,
            headers TEXT NOT NULL,
            checksum_algorithm TEXT,
            checksum_value TEXT,
            blob_id TEXT,
            inline_data BLOB,
            PRIMARY KEY(bucket, key)) WITHOUT ROWID;
        CREATE INDEX objects_blob ON objects(blob_id) WHERE blob_id IS NOT NULL;
        """,
        """
        ALTER TABLE objects ADD COLUMN upload_id TEXT;
        ALTER TABLE objects ADD COLUMN parts_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE objects ADD COLUMN checksum_type TEXT;
        CREATE TABLE uploads(
            upload_id TEXT PRIMARY KEY,
            bucket TEXT NOT NULL,
            key BLOB NOT NULL,
            initiated INTEGER NOT NULL,
            headers TEXT NOT NULL,
            checksum_algorithm TEXT,
            checksum_type TEXT);
        CREATE INDEX uploads_by_key ON uploads(bucket, key, upload_id);
        CREATE INDEX uploads_by_age ON uploads(initiated);
        CREATE TABLE parts(
            upload_id TEXT NOT NULL,
            part_number INTEGER NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            last_modified INTEGER NOT NULL,
            checksum_value TEXT,
            blob_id TEXT NOT NULL,
            object_offset INTEGER,
            PRIMARY KEY(upload_id, part_number)) WITHOUT ROWID;
        CREATE INDEX parts_blob ON parts(blob_id);
        """,
        """
        CREATE TABLE bucket_config(
            bucket TEXT NOT NULL,
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY(bucket, name)) WITHOUT ROWID;
        """,
        """
        ALTER TABLE objects ADD COLUMN encryption TEXT;
        ALTER TABLE uploads ADD COLUMN encryption TEXT;
        ALTER TABLE parts ADD COLUMN encryption TEXT;
        """,
        // Versioning. objects keeps one row per key, its current version (or delete marker), so
        // reads and unversioned writes stay one row; older versions move to object_versions,
        // ordered by version_id, which sorts newest first. Rows from before are null versions.
        """
        ALTER TABLE buckets ADD COLUMN versioning TEXT;
        ALTER TABLE objects ADD COLUMN version_id TEXT;
        ALTER TABLE objects ADD COLUMN null_version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE objects ADD COLUMN delete_marker INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE object_versions(
            bucket TEXT NOT NULL,
            key BLOB NOT NULL,
            version_id TEXT NOT NULL,
            null_version INTEGER NOT NULL,
            delete_marker INTEGER NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            last_modified INTEGER NOT NULL,
            headers TEXT NOT NULL,
            checksum_algorithm TEXT,
            checksum_value TEXT,
            blob_id TEXT,
            inline_data BLOB,
            upload_id TEXT,
            parts_count INTEGER NOT NULL DEFAULT 0,
            checksum_type TEXT,
            encryption TEXT,
            PRIMARY KEY(bucket, key, version_id)) WITHOUT ROWID;
        CREATE INDEX object_versions_blob ON object_versions(blob_id) WHERE blob_id IS NOT NULL;
        CREATE INDEX object_versions_null ON object_versions(bucket, key) WHERE null_version = 1;
        """,
        // Object tags, per version: a JSON array of {Key, Value}, NULL when the version has none.
        // uploads carries CreateMultipartUpload's tags to the completed object.
        """
        ALTER TABLE objects ADD COLUMN tags TEXT;
        ALTER TABLE object_versions ADD COLUMN tags TEXT;
        ALTER TABLE uploads ADD COLUMN tags TEXT;
        """,
        // Object lock, per version: retention mode and end (ms), and the legal hold. A bucket has
        // object lock when its "object-lock" configuration row exists.
        """
        ALTER TABLE objects ADD COLUMN lock_mode TEXT;
        ALTER TABLE objects ADD COLUMN lock_until INTEGER;
        ALTER TABLE objects ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE object_versions ADD COLUMN lock_mode TEXT;
        ALTER TABLE object_versions ADD COLUMN lock_until INTEGER;
        ALTER TABLE object_versions ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE uploads ADD COLUMN lock_mode TEXT;
        ALTER TABLE uploads ADD COLUMN lock_until INTEGER;
        ALTER TABLE uploads ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
        """,
    ];
}
