namespace Coffer.Crypto.Kms;

/// <summary>What a maintenance pass did: keys rotated because they were due, keys whose material was destroyed.</summary>
public sealed record KmsMaintenanceResult(int Rotated, int Destroyed);
