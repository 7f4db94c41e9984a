namespace Coffer.Audit.Records;

/// <summary>CloudTrail's userIdentity element: who made the request, with which credentials.</summary>
public sealed class AuditUserIdentity
{
    public required AuditIdentityType Type { get; init; }

    /// <summary>The account id for root, AIDA… for a user, "AROA…:session" for a role session, "" for anonymous.</summary>
    public string? PrincipalId { get; init; }

    public string? Arn { get; init; }

    /// <summary>The 12-digit account, or "anonymous".</summary>
    public string? AccountId { get; init; }

    public string? AccessKeyId { get; init; }

    public string? UserName { get; init; }

    public AuditSessionContext? SessionContext { get; init; }

    /// <summary>An unauthenticated caller, as CloudTrail records one in S3 data events.</summary>
    public static AuditUserIdentity Anonymous { get; } = new()
    {
        Type = AuditIdentityType.AwsAccount,
        PrincipalId = "",
        AccountId = "anonymous",
    };
}
