namespace Coffer.Crypto.Kms;

/// <summary>One completed rotation, as ListKeyRotations shows it.</summary>
public sealed record KmsKeyRotation(string KeyId, DateTimeOffset RotationDate, KmsRotationType RotationType);
