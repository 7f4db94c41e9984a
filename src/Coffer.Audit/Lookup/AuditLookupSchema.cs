namespace Coffer.Audit.Lookup;

/// <summary>
/// The lookup index's schema. Append only: a released entry must not change. Since the third
/// entry, an indexed batch is one row: an <see cref="AuditLookupBlock"/>, found by its time span;
/// the records themselves stay in the journal's segments.
/// </summary>
internal static class AuditLookupSchema
{
    public const string Module = "audit-lookup";

    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE audit_events(
            id INTEGER PRIMARY KEY,
            event_time INTEGER NOT NULL,
            event_id TEXT NOT NULL,
            event_name TEXT NOT NULL,
            event_source TEXT NOT NULL,
            read_only INTEGER NOT NULL,
            username TEXT,
            principal_arn TEXT,
            access_key_id TEXT,
            bucket TEXT,
            object_key TEXT,
            error_code TEXT,
            source_ip TEXT,
            record BLOB NOT NULL);
        CREATE INDEX audit_events_by_time ON audit_events(event_time);
        CREATE INDEX audit_events_by_event_id ON audit_events(event_id);
        CREATE INDEX audit_events_by_event_name ON audit_events(event_name, event_time);
        CREATE INDEX audit_events_by_username ON audit_events(username, event_time);
        CREATE INDEX audit_events_by_principal ON audit_events(principal_arn, event_time);
        CREATE INDEX audit_events_by_access_key ON audit_events(access_key_id, event_time);
        CREATE INDEX audit_events_by_bucket ON audit_events(bucket, event_time);
        CREATE INDEX audit_events_by_object_key ON audit_events(bucket, object_key);
        CREATE INDEX audit_events_by_error ON audit_events(error_code, event_time) WHERE error_code IS NOT NULL;
        CREATE INDEX audit_events_by_source_ip ON audit_events(source_ip, event_time);
        CREATE TABLE audit_lookup_position(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            segment INTEGER NOT NULL,
            offset INTEGER NOT NULL,
            chain_hash TEXT NOT NULL);
        """,
        // LookupEvents' ResourceType and ResourceName: one row per distinct (kind, value) of an
        // event, kind 0 a type, 1 a name (an ARN is looked up by its name); keyed so a filtered page is one backwards walk.
        """
        CREATE TABLE audit_event_resources(
            kind INTEGER NOT NULL,
            value TEXT NOT NULL,
            event_time INTEGER NOT NULL,
            event INTEGER NOT NULL,
            PRIMARY KEY(kind, value, event_time, event)) WITHOUT ROWID;
        CREATE INDEX audit_event_resources_by_time ON audit_event_resources(event_time);
        """,
        // Blocks replace the row-per-event tables. Their events are not carried over: the index
        // starts again from whatever segments the journal still holds.
        """
        DROP TABLE audit_event_resources;
        DROP TABLE audit_events;
        DELETE FROM audit_lookup_position;
        CREATE TABLE audit_blocks(
            id INTEGER PRIMARY KEY,
            segment INTEGER NOT NULL,
            min_time INTEGER NOT NULL,
            max_time INTEGER NOT NULL,
            records INTEGER NOT NULL,
            data BLOB NOT NULL);
        CREATE INDEX audit_blocks_by_time ON audit_blocks(max_time);
        CREATE TABLE audit_lookup_pruned(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            before INTEGER NOT NULL);
        """,
    ];
}
