namespace Coffer.Audit;

/// <summary>A segment's contents do not match its hash chain: it was altered or damaged on disk.</summary>
public sealed class AuditJournalCorruptException : Exception
{
    public AuditJournalCorruptException(string message)
        : base(message)
    {
    }

    public AuditJournalCorruptException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public AuditJournalCorruptException()
        : base("The audit journal is corrupt.")
    {
    }
}
