namespace Coffer.Storage.Locking;

/// <summary>
/// What a request that removes or changes a version may override: retention is judged at
/// <paramref name="Now"/>, and governance retention gives way only when <paramref name="BypassGovernance"/>
/// (the caller sent x-amz-bypass-governance-retention and holds s3:BypassGovernanceRetention).
/// </summary>
public readonly record struct LockOverride(DateTimeOffset Now, bool BypassGovernance);
