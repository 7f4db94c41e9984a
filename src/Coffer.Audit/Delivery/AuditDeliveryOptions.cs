namespace Coffer.Audit.Delivery;

/// <summary>Where and how often the audit trail is delivered.</summary>
public sealed class AuditDeliveryOptions
{
    public required string AccountId { get; init; }

    public required string Region { get; init; }

    /// <summary>How often the active segment is closed and closed segments are delivered as log files.</summary>
    public TimeSpan DeliveryInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The period of a digest; digests end on its multiples (counted from the Unix epoch), so hourly ones end on the hour.</summary>
    public TimeSpan DigestInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Where log files are built before they are stored; normally DATA/audit/outgoing.</summary>
    public required string StagingDirectory { get; init; }

    /// <summary>
    /// The oldest segment another reader of the journal (the lookup index) has not read to its end;
    /// it and later segments are kept for it. Null when nothing else reads the journal.
    /// </summary>
    public Func<long>? UnreadFrom { get; init; }

    /// <summary>How long to wait before trying again after a failed pass.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(30);
}
