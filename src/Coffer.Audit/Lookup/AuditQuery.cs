namespace Coffer.Audit.Lookup;

/// <summary>
/// A lookup: every filter given must match (AND); times are inclusive, as LookupEvents' are.
/// Pages come newest first; pass <see cref="AuditLookupPage.NextToken"/> back with the same
/// filters for the next one.
/// </summary>
public sealed record AuditQuery
{
    public const int MaxPageSize = 1000;

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    public string? EventId { get; init; }

    public string? EventName { get; init; }

    public string? EventSource { get; init; }

    /// <summary>As LookupEvents' Username: the IAM user name, the role session name, or "root".</summary>
    public string? Username { get; init; }

    /// <summary>The caller's ARN (userIdentity.arn).</summary>
    public string? PrincipalArn { get; init; }

    public string? AccessKeyId { get; init; }

    /// <summary>requestParameters.bucketName.</summary>
    public string? Bucket { get; init; }

    /// <summary>requestParameters.key starting with this; fastest together with <see cref="Bucket"/>.</summary>
    public string? KeyPrefix { get; init; }

    /// <summary>A resource's type, e.g. AWS::S3::Bucket.</summary>
    public string? ResourceType { get; init; }

    /// <summary>A resource's name as <see cref="AuditLookupResource"/> gives it, or its ARN.</summary>
    public string? ResourceName { get; init; }

    public string? ErrorCode { get; init; }

    public string? SourceIpAddress { get; init; }

    public bool? ReadOnly { get; init; }

    /// <summary>1 to <see cref="MaxPageSize"/>; LookupEvents allows at most 50.</summary>
    public int MaxResults { get; init; } = 50;

    public string? NextToken { get; init; }
}
