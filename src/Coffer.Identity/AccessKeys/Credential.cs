namespace Coffer.Identity.AccessKeys;

/// <summary>An access key with its secret, as needed to verify SigV4. Never logged.</summary>
public sealed record Credential(string AccessKeyId, byte[] Secret, Principal Principal, bool IsActive)
{
    /// <summary>When a scheduled deactivation (<see cref="ScheduledDeactivation"/>) takes effect, if one is.</summary>
    public DateTimeOffset? DeactivatesAt { get; init; }

    /// <summary>
    /// Judged at each request rather than when the credential was read: credentials are cached,
    /// and a scheduled deactivation must take effect on time.
    /// </summary>
    public bool IsActiveAt(DateTimeOffset now) => ScheduledDeactivation.IsActive(IsActive, DeactivatesAt, now);

    public override string ToString() => $"Credential {{ AccessKeyId = {AccessKeyId}, Principal = {Principal.Arn} }}";
}
