namespace Coffer.Identity.Iam;

public sealed record AttachedPolicy(string PolicyName, string PolicyArn);
