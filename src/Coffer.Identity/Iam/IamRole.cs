namespace Coffer.Identity.Iam;

/// <param name="TrustPolicy">The AssumeRolePolicyDocument exactly as it was given.</param>
public sealed record IamRole(string Id, string Name, string Path, string Arn, DateTimeOffset CreateDate, string TrustPolicy, int MaxSessionDuration, string? Description)
{
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];
}
