namespace Coffer.Audit.Segments;

/// <summary>
/// Counters since start. <see cref="Flushes"/> below <see cref="Appended"/> is group commit at work;
/// <see cref="Dropped"/> above zero means records were lost in fail-open mode and must alarm.
/// </summary>
public sealed record AuditWriterStatistics(
    bool Healthy,
    long Appended,
    long Flushes,
    long Dropped,
    long Failures,
    long ActiveSegment);
