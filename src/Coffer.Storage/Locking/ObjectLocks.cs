using Coffer.Storage.Objects;

namespace Coffer.Storage.Locking;

/// <summary>S3's object lock rules for one version: what protects it, and which retention changes are allowed.</summary>
public static class ObjectLocks
{
    /// <summary>
    /// Whether <paramref name="version"/> may not be removed (or replaced in place) under
    /// <paramref name="lockOverride"/>: a legal hold always protects; retention until it ends,
    /// governance retention unless bypassed.
    /// </summary>
    public static bool IsProtected(ObjectInfo version, LockOverride lockOverride)
    {
        if (version.LegalHold)
        {
            return true;
        }

        return version.Retention is { } retention
            && retention.IsActive(lockOverride.Now)
            && (retention.Mode == RetentionMode.Compliance || !lockOverride.BypassGovernance);
    }

    /// <summary>Throws <see cref="StorageError.ObjectLocked"/> when <see cref="IsProtected"/>.</summary>
    public static void EnsureRemovable(ObjectInfo version, LockOverride lockOverride)
    {
        if (IsProtected(version, lockOverride))
        {
            throw new StorageException(StorageError.ObjectLocked);
        }
    }

    /// <summary>
    /// Whether a version's retention may go from <paramref name="current"/> to <paramref name="proposed"/>
    /// (null: none). Retention that has ended may be replaced freely. Active compliance retention can
    /// only be extended, in compliance mode. Active governance retention can be extended (or turned
    /// into compliance) by anyone allowed to set retention; shortening or removing it needs the bypass.
    /// </summary>
    public static bool MayChangeRetention(ObjectRetention? current, ObjectRetention? proposed, LockOverride lockOverride)
    {
        if (current is null || !current.IsActive(lockOverride.Now))
        {
            return true;
        }

        var extends = proposed is not null && proposed.RetainUntil >= current.RetainUntil;
        return current.Mode switch
        {
            RetentionMode.Compliance => extends && proposed!.Mode == RetentionMode.Compliance,
            _ => extends || lockOverride.BypassGovernance,
        };
    }
}
