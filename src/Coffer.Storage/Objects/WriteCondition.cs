namespace Coffer.Storage.Objects;

/// <summary>A precondition checked atomically with a write (S3 conditional writes).</summary>
/// <param name="MustNotExist">If-None-Match: *.</param>
/// <param name="IfMatchETag">If-Match: the current object's entity tag (unquoted), or "*".</param>
/// <param name="IfVersionId">
/// For deletes: the internal id the version being removed (or superseded by a delete marker)
/// must still have, empty for a row older than version ids; otherwise nothing happens. It
/// keeps a background deletion from hitting a version written after it looked.
/// </param>
public sealed record WriteCondition(bool MustNotExist = false, string? IfMatchETag = null, string? IfVersionId = null)
{
    public static readonly WriteCondition None = new();

    /// <summary>True when <see cref="IfVersionId"/> is set and <paramref name="version"/> is not that version.</summary>
    public bool Excludes(ObjectInfo? version) =>
        IfVersionId is not null && (version is null || (version.VersionId ?? string.Empty) != IfVersionId);
}
