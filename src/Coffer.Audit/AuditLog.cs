using Microsoft.Extensions.Logging;

namespace Coffer.Audit;

/// <summary>The audit subsystem's log messages; event ids 2000–2099.</summary>
internal static partial class AuditLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Critical, Message = "The audit journal failed writing segment {Sequence}; appends {Mode} until it recovers")]
    public static partial void JournalFailed(ILogger logger, long sequence, string mode, Exception exception);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "The audit journal recovered and writes segment {Sequence} again; {Dropped} records were dropped while it was down")]
    public static partial void JournalRecovered(ILogger logger, long sequence, long dropped);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Audit segment {Sequence} ended in a torn line after an unclean stop; removed its last {Bytes} unacknowledged bytes")]
    public static partial void TornTailTruncated(ILogger logger, long sequence, long bytes);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Audit segment {Sequence} has {Bytes} bytes at offset {Offset} that do not match its hash chain; moved them to {QuarantinePath} and continued the chain before them")]
    public static partial void TailQuarantined(ILogger logger, long sequence, long bytes, long offset, string quarantinePath);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Audit segment {Sequence} closed with {Records} records; segment {Next} opened")]
    public static partial void SegmentRolled(ILogger logger, long sequence, long records, long next);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Audit segment {Sequence} had an unreadable header after an unclean stop; started it again from the previous segment's last hash (old file kept as {QuarantinePath})")]
    public static partial void HeaderRebuilt(ILogger logger, long sequence, string quarantinePath);
}
