namespace Coffer.Audit.Lookup;

/// <summary>One event found, with the fields LookupEvents returns and the whole record as JSON.</summary>
public sealed record AuditLookupEvent(
    string EventId,
    string EventName,
    string EventSource,
    DateTimeOffset EventTime,
    bool ReadOnly,
    string? Username,
    string? AccessKeyId,
    IReadOnlyList<AuditLookupResource> Resources,
    string CloudTrailEvent);
