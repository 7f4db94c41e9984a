using Microsoft.Extensions.Logging;

namespace Coffer.Audit.Lookup;

/// <summary>The lookup index's log messages; event ids 2050–2059 of the audit range.</summary>
internal static partial class AuditLookupLog
{
    [LoggerMessage(EventId = 2050, Level = LogLevel.Error, Message = "The audit lookup index could not follow the journal; it tries again in {Delay}")]
    public static partial void CatchUpFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 2051, Level = LogLevel.Information, Message = "Removed {Count} events older than {Cutoff} from the audit lookup index")]
    public static partial void Pruned(ILogger logger, long count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 2052, Level = LogLevel.Error, Message = "Removing old events from the audit lookup index failed")]
    public static partial void PruneFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2053, Level = LogLevel.Warning, Message = "A lookup could not index the newest audit records; it answered from what the index holds")]
    public static partial void LookupCatchUpFailed(ILogger logger, Exception exception);
}
