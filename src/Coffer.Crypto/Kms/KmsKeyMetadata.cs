namespace Coffer.Crypto.Kms;

/// <summary>A key as DescribeKey shows it (symmetric, ENCRYPT_DECRYPT, origin AWS_KMS: the only kind there is).</summary>
public sealed record KmsKeyMetadata
{
    public required string KeyId { get; init; }

    public required string Arn { get; init; }

    public required string AccountId { get; init; }

    public required string Description { get; init; }

    public required DateTimeOffset CreationDate { get; init; }

    public required KmsKeyState State { get; init; }

    public required KmsKeyManager Manager { get; init; }

    /// <summary>When a key pending deletion will have its material destroyed.</summary>
    public DateTimeOffset? DeletionDate { get; init; }

    /// <summary>The window ScheduleKeyDeletion was given.</summary>
    public int? PendingWindowInDays { get; init; }

    /// <summary>Set when automatic rotation is on.</summary>
    public int? RotationPeriodInDays { get; init; }

    public DateTimeOffset? NextRotationDate { get; init; }

    public bool Enabled => State == KmsKeyState.Enabled;
}
