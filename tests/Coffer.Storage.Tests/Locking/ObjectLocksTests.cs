using Coffer.Storage.Locking;
using Coffer.Storage.Objects;

namespace Coffer.Storage.Tests.Locking;

/// <summary>S3's object lock rules for one version, as pure decisions.</summary>
public sealed class ObjectLocksTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, 0, false, false, false)]
    [InlineData(RetentionMode.Compliance, 60, false, false, true)]
    [InlineData(RetentionMode.Compliance, 60, true, false, true)]
    [InlineData(RetentionMode.Governance, 60, false, false, true)]
    [InlineData(RetentionMode.Governance, 60, true, false, false)]
    [InlineData(RetentionMode.Compliance, -60, false, false, false)]
    [InlineData(RetentionMode.Governance, -60, false, false, false)]
    [InlineData(null, 0, true, true, true)]
    [InlineData(RetentionMode.Governance, 60, true, true, true)]
    [InlineData(RetentionMode.Compliance, -60, true, true, true)]
    public void IsProtected_FollowsRetentionAndLegalHold(RetentionMode? mode, int secondsLeft, bool bypass, bool legalHold, bool expected)
    {
        var version = Version(mode is { } m ? new ObjectRetention(m, Now.AddSeconds(secondsLeft)) : null, legalHold);

        Assert.Equal(expected, ObjectLocks.IsProtected(version, new LockOverride(Now, bypass)));
    }

    [Fact]
    public void EnsureRemovable_OnAProtectedVersion_ThrowsObjectLocked()
    {
        var version = Version(new ObjectRetention(RetentionMode.Compliance, Now.AddDays(1)), legalHold: false);

        var error = Assert.Throws<StorageException>(() => ObjectLocks.EnsureRemovable(version, new LockOverride(Now, BypassGovernance: true)));

        Assert.Equal(StorageError.ObjectLocked, error.Error);
    }

    [Theory]
    // No retention, or one that ended: anything goes.
    [InlineData(null, 0, RetentionMode.Governance, -10, false, true)]
    [InlineData(RetentionMode.Compliance, -60, null, 0, false, true)]
    // Active compliance: only later, and still compliance.
    [InlineData(RetentionMode.Compliance, 60, RetentionMode.Compliance, 120, false, true)]
    [InlineData(RetentionMode.Compliance, 60, RetentionMode.Compliance, 60, false, true)]
    [InlineData(RetentionMode.Compliance, 60, RetentionMode.Compliance, 30, true, false)]
    [InlineData(RetentionMode.Compliance, 60, RetentionMode.Governance, 120, true, false)]
    [InlineData(RetentionMode.Compliance, 60, null, 0, true, false)]
    // Active governance: later (or into compliance) freely; shorter or removed with the bypass only.
    [InlineData(RetentionMode.Governance, 60, RetentionMode.Governance, 120, false, true)]
    [InlineData(RetentionMode.Governance, 60, RetentionMode.Compliance, 120, false, true)]
    [InlineData(RetentionMode.Governance, 60, RetentionMode.Governance, 30, false, false)]
    [InlineData(RetentionMode.Governance, 60, RetentionMode.Governance, 30, true, true)]
    [InlineData(RetentionMode.Governance, 60, null, 0, false, false)]
    [InlineData(RetentionMode.Governance, 60, null, 0, true, true)]
    public void MayChangeRetention_AsS3Allows(RetentionMode? currentMode, int currentSeconds, RetentionMode? proposedMode, int proposedSeconds, bool bypass, bool expected)
    {
        var current = currentMode is { } c ? new ObjectRetention(c, Now.AddSeconds(currentSeconds)) : null;
        var proposed = proposedMode is { } p ? new ObjectRetention(p, Now.AddSeconds(proposedSeconds)) : null;

        Assert.Equal(expected, ObjectLocks.MayChangeRetention(current, proposed, new LockOverride(Now, bypass)));
    }

    private static ObjectInfo Version(ObjectRetention? retention, bool legalHold) => new()
    {
        Bucket = "b",
        Key = "k",
        Size = 0,
        ETag = string.Empty,
        LastModified = Now,
        Headers = new ObjectHeaders(),
        Retention = retention,
        LegalHold = legalHold,
    };
}
