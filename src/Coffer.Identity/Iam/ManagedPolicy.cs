namespace Coffer.Identity.Iam;

public sealed record ManagedPolicy(
    string Id,
    string Name,
    string Path,
    string Arn,
    string DefaultVersionId,
    int AttachmentCount,
    string? Description,
    DateTimeOffset CreateDate,
    DateTimeOffset UpdateDate);
