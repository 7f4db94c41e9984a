namespace Coffer.Identity.Iam;

public sealed record IamGroup(string Id, string Name, string Path, string Arn, DateTimeOffset CreateDate);
