namespace Coffer.Audit.Delivery;

/// <summary>Delivery's tables in the metadata database. Append only: a released entry must not change.</summary>
internal static class AuditDeliverySchema
{
    public const string Module = "audit-delivery";

    public static readonly IReadOnlyList<string> Migrations =
    [
        // Log files delivered and not yet listed by a digest, and the digest being made: what a
        // restart needs to continue the digest chain without a gap or a duplicate.
        """
        CREATE TABLE audit_undigested_files(
            s3_object TEXT PRIMARY KEY,
            s3_bucket TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            hash_value TEXT NOT NULL,
            oldest_event INTEGER,
            newest_event INTEGER);
        CREATE TABLE audit_digest_schedule(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            trail_start INTEGER NOT NULL,
            pending_end INTEGER);
        """,
    ];
}
