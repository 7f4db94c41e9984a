namespace Coffer.Audit.Records;

/// <summary>userIdentity.sessionContext: present for temporary credentials.</summary>
public sealed class AuditSessionContext
{
    public AuditSessionIssuer? SessionIssuer { get; init; }

    public required AuditSessionAttributes Attributes { get; init; }
}
