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
    ];
}
