namespace Coffer.Identity;

/// <summary>Who a request acts as, once its signature has been verified.</summary>
public sealed record Principal(string AccountId, string Arn, string Name, bool IsRoot)
{
    public static Principal Root(string accountId) => new(accountId, $"arn:aws:iam::{accountId}:root", accountId, IsRoot: true);
}
