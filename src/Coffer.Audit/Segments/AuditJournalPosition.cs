namespace Coffer.Audit.Segments;

/// <summary>How far the journal is durably written: the active segment and its fsync'd length.</summary>
public sealed record AuditJournalPosition(long Sequence, long Length);
