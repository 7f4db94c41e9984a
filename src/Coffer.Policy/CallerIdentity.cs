namespace Coffer.Policy;

/// <summary>Who is asking, as a resource or trust policy's Principal element sees it.</summary>
/// <param name="AccountId">The caller's account.</param>
/// <param name="Arn">User ARN, assumed-role session ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) or arn:aws:iam::ACCOUNT:root.</param>
/// <param name="IsRoot">The account's root credentials: not limited by identity policies.</param>
/// <param name="RoleArn">For a role session, the role's ARN, which a Principal may name instead of the session.</param>
public sealed record CallerIdentity(string AccountId, string Arn, bool IsRoot, string? RoleArn = null);
