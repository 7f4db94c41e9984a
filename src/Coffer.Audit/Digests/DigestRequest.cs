namespace Coffer.Audit.Digests;

/// <summary>The hour (or other period) a digest covers and the log files delivered in it.</summary>
public sealed class DigestRequest
{
    public required string AccountId { get; init; }

    public required string Region { get; init; }

    /// <summary>The log bucket the digest is delivered to.</summary>
    public required string S3Bucket { get; init; }

    /// <summary>Stands in CloudTrail's digest file name where the trail name goes.</summary>
    public string TrailName { get; init; } = "coffer";

    /// <summary>Where the first digest starts; later ones start where the previous ended.</summary>
    public required DateTimeOffset StartTime { get; init; }

    public required DateTimeOffset EndTime { get; init; }

    /// <summary>Log files delivered in the period, in delivery order; empty for a quiet hour.</summary>
    public required IReadOnlyList<AuditDigestLogFile> LogFiles { get; init; }
}
