namespace Coffer.Identity.Iam;

public sealed record PolicyVersion(string VersionId, string Document, bool IsDefaultVersion, DateTimeOffset CreateDate);
