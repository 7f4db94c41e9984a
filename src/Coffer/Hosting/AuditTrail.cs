using Coffer.Audit;
using Coffer.Audit.Records;
using Coffer.Audit.Segments;
using Coffer.Protocol.Audit;
using Microsoft.Extensions.Logging;

namespace Coffer.Hosting;

/// <summary>
/// The server's audit trail: the one journal every front-end records into, opened before the
/// server listens and closed after it stops. Delivery and lookup read the same <see cref="Journal"/>.
/// </summary>
public sealed class AuditTrail : IAuditSink, IAsyncDisposable
{
    private AuditTrail(AuditSegmentWriter journal, AuditOptions options, bool enabled)
    {
        Journal = journal;
        Options = options;
        Enabled = enabled;
    }

    /// <summary>The durable, hash-chained journal in DATA/audit/segments.</summary>
    public AuditSegmentWriter Journal { get; }

    public AuditOptions Options { get; }

    /// <summary>False only under COFFER_BENCH_AUDIT_OFF: the journal is open but nothing is recorded.</summary>
    public bool Enabled { get; }

    public static string SegmentDirectory(string dataDirectory) => Path.Combine(dataDirectory, "audit", "segments");

    /// <summary>Opens (and recovers) the journal; <see cref="AuditUnavailableException"/> when its directory cannot be written.</summary>
    public static AuditTrail Open(string dataDirectory, bool failOpen, bool syncReads, bool enabled, TimeProvider time, ILoggerFactory loggers)
    {
        var options = new AuditOptions
        {
            SegmentDirectory = SegmentDirectory(dataDirectory),
            HistoryDirectory = Path.Combine(dataDirectory, "audit", "history"),
            FailOpen = failOpen,
            SyncReadOnly = syncReads,
        };
        var journal = AuditSegmentWriter.Open(options, time, loggers.CreateLogger<AuditSegmentWriter>());
        return new AuditTrail(journal, options, enabled);
    }

    public Task RecordAsync(AuditRecord record, CancellationToken cancellationToken) => Journal.AppendAsync(record, cancellationToken);

    public ValueTask DisposeAsync() => Journal.DisposeAsync();
}
