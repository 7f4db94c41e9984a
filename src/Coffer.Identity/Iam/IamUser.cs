namespace Coffer.Identity.Iam;

public sealed record IamUser(string Id, string Name, string Path, string Arn, DateTimeOffset CreateDate)
{
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];
}
