namespace Coffer.Storage.Locking;

/// <summary>S3 object lock retention modes.</summary>
public enum RetentionMode
{
    /// <summary>Can be shortened or removed by a caller allowed to bypass governance retention.</summary>
    Governance,

    /// <summary>Nobody can shorten, remove or delete through it until it ends.</summary>
    Compliance,
}

/// <summary>A version's retention: it cannot be removed or overwritten before <see cref="RetainUntil"/>.</summary>
public sealed record ObjectRetention(RetentionMode Mode, DateTimeOffset RetainUntil)
{
    public bool IsActive(DateTimeOffset now) => RetainUntil > now;
}
