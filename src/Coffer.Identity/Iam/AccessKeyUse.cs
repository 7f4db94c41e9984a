namespace Coffer.Identity.Iam;

/// <summary>When and where an access key was last used.</summary>
public sealed record AccessKeyUse(DateTimeOffset Date, string Service, string Region);
