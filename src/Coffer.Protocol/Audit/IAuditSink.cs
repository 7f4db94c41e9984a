using Coffer.Audit.Records;

namespace Coffer.Protocol.Audit;

/// <summary>
/// Where the front-ends send one record per request. The server's implementation appends to the
/// durable journal; the front-ends never format or store a record themselves.
/// </summary>
public interface IAuditSink
{
    /// <summary>False only when auditing is switched off for a benchmark (COFFER_BENCH_AUDIT_OFF).</summary>
    bool Enabled { get; }

    /// <summary>
    /// Completes once the record is durable. Throws <see cref="Coffer.Audit.AuditUnavailableException"/>
    /// when it cannot be recorded and the trail fails closed; the request is then refused with 503.
    /// </summary>
    Task RecordAsync(AuditRecord record, CancellationToken cancellationToken);
}
