namespace Coffer.Audit;

/// <summary>The audit journal's settings.</summary>
public sealed class AuditOptions
{
    /// <summary>Where segment files live, normally DATA/audit/segments.</summary>
    public string SegmentDirectory { get; set; } = Path.Combine("data", "audit", "segments");

    /// <summary>
    /// Where delivered segments are kept, so the lookup index can return their records and be
    /// rebuilt from them; it removes them once they fall out of its window. Null: delivered
    /// segments are removed at once.
    /// </summary>
    public string? HistoryDirectory { get; set; }

    /// <summary>A segment is closed (and becomes deliverable) once it holds this many bytes…</summary>
    public long MaxSegmentBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>…or once it is this old and holds at least one record.</summary>
    public TimeSpan MaxSegmentAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When the journal cannot be written: false (the default) fails the append, so the request
    /// fails (503) rather than go unrecorded; true drops the record, counts it and carries on.
    /// </summary>
    public bool FailOpen { get; set; }

    /// <summary>
    /// False (the default): a read-only request's record is written to the journal before its
    /// response, so it survives the server being killed, and fsync'd within
    /// <see cref="ReadOnlySyncDelay"/>; its response does not wait for the fsync. True: it waits,
    /// as every other record does, so that not even a power cut can lose it.
    /// </summary>
    public bool SyncReadOnly { get; set; }

    /// <summary>How long read-only records may wait for an fsync, so that many share one.</summary>
    public TimeSpan ReadOnlySyncDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long a failed journal waits before trying the disk again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(SegmentDirectory))
        {
            yield return "audit segment-directory is required";
        }

        if (MaxSegmentBytes < 4096)
        {
            yield return "audit max-segment-bytes must be at least 4096";
        }

        if (MaxSegmentAge <= TimeSpan.Zero)
        {
            yield return "audit max-segment-age must be positive";
        }

        if (ReadOnlySyncDelay < TimeSpan.Zero || ReadOnlySyncDelay > TimeSpan.FromSeconds(10))
        {
            yield return "audit read-only-sync-delay must be from 0 to 10 seconds";
        }

        if (RetryInterval < TimeSpan.Zero)
        {
            yield return "audit retry-interval must not be negative";
        }
    }
}
