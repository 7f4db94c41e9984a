namespace Coffer.Crypto.Kms;

/// <summary>A kms_keys row. Times are Unix milliseconds.</summary>
internal sealed record KmsKeyRow
{
    public required string KeyId { get; init; }

    public required KmsKeyManager Manager { get; init; }

    public required string Description { get; init; }

    public required long CreatedAt { get; init; }

    public required KmsKeyState State { get; init; }

    public long? DeletionAt { get; init; }

    public int? PendingWindowDays { get; init; }

    /// <summary>Automatic rotation is on when set.</summary>
    public int? RotationPeriodDays { get; init; }

    /// <summary>When automatic rotation was turned on or last rotated the key: the next rotation is one period later.</summary>
    public long? RotationAnchor { get; init; }

    public required int CurrentVersion { get; init; }

    public required int OnDemandRotations { get; init; }

    /// <summary>Set once the deletion window passed and the material was destroyed; the row stays as a tombstone.</summary>
    public long? DestroyedAt { get; init; }

    public long? NextRotationAt => RotationPeriodDays is { } days && RotationAnchor is { } anchor
        ? anchor + (days * TimeSpan.TicksPerDay / TimeSpan.TicksPerMillisecond)
        : null;

    /// <summary>Past its deletion window, its material not yet destroyed.</summary>
    public bool IsDueForDestruction(long now) => DestroyedAt is null && State == KmsKeyState.PendingDeletion && DeletionAt <= now;

    /// <summary>Automatic rotation is due; it waits while the key is disabled or pending deletion, as on AWS.</summary>
    public bool IsDueForRotation(long now) => DestroyedAt is null && State == KmsKeyState.Enabled && NextRotationAt <= now;
}
