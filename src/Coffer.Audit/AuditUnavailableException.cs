namespace Coffer.Audit;

/// <summary>
/// The audit journal cannot record the request (its disk failed or is full). The request layer
/// answers 503 ServiceUnavailable: a request must not succeed unrecorded.
/// </summary>
public sealed class AuditUnavailableException : Exception
{
    public AuditUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public AuditUnavailableException(string message)
        : base(message)
    {
    }

    public AuditUnavailableException()
        : base("The audit journal is unavailable.")
    {
    }
}
