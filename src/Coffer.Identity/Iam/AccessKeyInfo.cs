namespace Coffer.Identity.Iam;

/// <summary>An access key as IAM lists it: never with its secret.</summary>
public sealed record AccessKeyInfo(string UserName, string AccessKeyId, bool IsActive, DateTimeOffset CreateDate);
