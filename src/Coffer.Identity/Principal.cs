using Coffer.Policy;

namespace Coffer.Identity;

public enum PrincipalType
{
    /// <summary>The account's root credentials.</summary>
    Account,

    /// <summary>An IAM user, with long-term keys or GetSessionToken credentials.</summary>
    User,

    /// <summary>A session of an assumed role.</summary>
    AssumedRole,
}

/// <summary>Who a request acts as, once its signature has been verified.</summary>
/// <param name="AccountId">The 12-digit account.</param>
/// <param name="Arn">arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/PATH/NAME or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.</param>
/// <param name="Name">The user name, the role session name, or the account id for root.</param>
/// <param name="IsRoot">Root credentials: not limited by identity policies.</param>
public sealed record Principal(string AccountId, string Arn, string Name, bool IsRoot)
{
    public PrincipalType Type { get; init; } = IsRoot ? PrincipalType.Account : PrincipalType.User;

    /// <summary>aws:userid: the account id for root, the user's AIDA… id, or "AROA…:session".</summary>
    public string UserId { get; init; } = AccountId;

    /// <summary>The IAM user's name (aws:username); null for root and role sessions.</summary>
    public string? UserName { get; init; }

    /// <summary>For a role session: the role's ARN and name.</summary>
    public string? RoleArn { get; init; }

    public string? RoleName { get; init; }

    /// <summary>aws:PrincipalTag/*: the user's or role's tags, overlaid with session tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = EmptyTags;

    /// <summary>Temporary (STS) credentials: the session token's facts.</summary>
    public bool IsTemporary { get; init; }

    public DateTimeOffset? TokenIssueTime { get; init; }

    public DateTimeOffset? Expiration { get; init; }

    public bool MultiFactorAuthenticated { get; init; }

    /// <summary>The session policy passed to AssumeRole, as text; it can only narrow.</summary>
    public string? SessionPolicy { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyTags = new Dictionary<string, string>();

    public static Principal Root(string accountId) => new(accountId, $"arn:aws:iam::{accountId}:root", accountId, IsRoot: true);

    /// <summary>The principal as policies' Principal elements match it.</summary>
    public CallerIdentity ToCaller() => new(AccountId, Arn, IsRoot, RoleArn);
}
