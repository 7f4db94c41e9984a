namespace Coffer.Audit.Records;

/// <summary>The role (or user) the temporary credentials were issued for.</summary>
public sealed class AuditSessionIssuer
{
    public required AuditIdentityType Type { get; init; }

    public string? PrincipalId { get; init; }

    public string? Arn { get; init; }

    public string? AccountId { get; init; }

    public string? UserName { get; init; }
}
