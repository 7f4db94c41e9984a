namespace Coffer.Storage.Objects;

/// <summary>A precondition checked atomically with a write (S3 conditional writes).</summary>
/// <param name="MustNotExist">If-None-Match: *.</param>
/// <param name="IfMatchETag">If-Match: the current object's entity tag (unquoted), or "*".</param>
public sealed record WriteCondition(bool MustNotExist = false, string? IfMatchETag = null)
{
    public static readonly WriteCondition None = new();
}
