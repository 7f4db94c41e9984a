namespace Coffer.Storage.Lifecycle;

/// <summary>
/// One lifecycle rule, validated: its scope and the actions Coffer carries out. The functions
/// here decide, for a time, whether a version, delete marker or upload is due.
/// </summary>
public sealed record LifecycleRule
{
    public string? Id { get; init; }

    public bool Enabled { get; init; }

    public LifecycleFilter Filter { get; init; } = new();

    /// <summary>Expiration: current versions expire this many days after they were written.</summary>
    public int? ExpirationDays { get; init; }

    /// <summary>Expiration: current versions expire from this midnight UTC on.</summary>
    public DateTimeOffset? ExpirationDate { get; init; }

    /// <summary>Expiration: a current delete marker with no versions left behind it is removed.</summary>
    public bool ExpiredObjectDeleteMarker { get; init; }

    /// <summary>Whether the ExpiredObjectDeleteMarker element was sent (false is echoed back too).</summary>
    public bool HasExpiredObjectDeleteMarker { get; init; }

    public int? NoncurrentDays { get; init; }

    /// <summary>How many of the newest noncurrent versions are always kept.</summary>
    public int? NewerNoncurrentVersions { get; init; }

    public int? AbortDaysAfterInitiation { get; init; }

    public bool HasExpiration => ExpirationDays is not null || ExpirationDate is not null || HasExpiredObjectDeleteMarker;

    /// <summary>
    /// When something that started at <paramref name="start"/> is due after <paramref name="days"/>:
    /// S3 adds the days and rounds up to the next midnight UTC.
    /// </summary>
    public static DateTimeOffset DueAfter(DateTimeOffset start, int days)
    {
        var end = start.ToUniversalTime().AddDays(days);
        return new DateTimeOffset(end.Year, end.Month, end.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1);
    }

    /// <summary>Whether a current version written at <paramref name="lastModified"/> has expired at <paramref name="now"/>.</summary>
    public bool ExpiresCurrent(DateTimeOffset lastModified, DateTimeOffset now) =>
        (ExpirationDays is { } days && now >= DueAfter(lastModified, days))
        || (ExpirationDate is { } date && now >= date);

    /// <summary>
    /// Whether a noncurrent version that became noncurrent at <paramref name="noncurrentSince"/> (when
    /// its successor was written) and has <paramref name="newerNoncurrent"/> noncurrent versions newer
    /// than itself has expired at <paramref name="now"/>.
    /// </summary>
    public bool ExpiresNoncurrent(DateTimeOffset noncurrentSince, int newerNoncurrent, DateTimeOffset now) =>
        NoncurrentDays is { } days
        && newerNoncurrent >= (NewerNoncurrentVersions ?? 0)
        && now >= DueAfter(noncurrentSince, days);

    /// <summary>Whether an upload initiated at <paramref name="initiated"/> is to be aborted at <paramref name="now"/>.</summary>
    public bool AbortsUpload(DateTimeOffset initiated, DateTimeOffset now) =>
        AbortDaysAfterInitiation is { } days && now >= DueAfter(initiated, days);
}
