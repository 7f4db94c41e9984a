using Microsoft.Extensions.Logging;

namespace Coffer.Audit.Delivery;

/// <summary>Delivery's log messages; event ids 2050–2069 of the audit range.</summary>
internal static partial class AuditDeliveryLog
{
    [LoggerMessage(EventId = 2050, Level = LogLevel.Information, Message = "Delivered audit segment {Sequence} ({Records} records) to {Bucket}/{Key}")]
    public static partial void Delivered(ILogger logger, long sequence, int records, string bucket, string key);

    [LoggerMessage(EventId = 2051, Level = LogLevel.Information, Message = "Delivered digest {Bucket}/{Key} listing {Files} log files")]
    public static partial void DigestDelivered(ILogger logger, string bucket, string key, int files);

    [LoggerMessage(EventId = 2052, Level = LogLevel.Error, Message = "Audit delivery failed; trying again in {Retry}")]
    public static partial void PassFailed(ILogger logger, TimeSpan retry, Exception exception);

    [LoggerMessage(EventId = 2053, Level = LogLevel.Critical, Message = "Audit segment {Sequence} does not verify and is not delivered (kept as {Path}); the trail shows a gap there")]
    public static partial void SegmentUndeliverable(ILogger logger, long sequence, string path, Exception exception);

    [LoggerMessage(EventId = 2054, Level = LogLevel.Warning, Message = "{Bucket}/{Key} held an object that is not what delivery made; stored delivery's as a new version")]
    public static partial void ForeignObjectReplaced(ILogger logger, string bucket, string key);

    [LoggerMessage(EventId = 2055, Level = LogLevel.Information, Message = "Found digest {Bucket}/{Key} from before a restart in the bucket; it is the chain's newest now")]
    public static partial void DigestAdopted(ILogger logger, string bucket, string key);

    [LoggerMessage(EventId = 2056, Level = LogLevel.Information, Message = "Published audit public key {Fingerprint} as {Bucket}/{Key}")]
    public static partial void PublicKeyPublished(ILogger logger, string fingerprint, string bucket, string key);
}
