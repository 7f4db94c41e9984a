using System.Text.Json.Serialization;

namespace Coffer.Audit.Records;

/// <summary>One resource the call touched, e.g. AWS::S3::Bucket or AWS::S3::Object.</summary>
public sealed class AuditResource
{
    /// <summary>CloudTrail writes accountId first, and leaves it out for S3 objects.</summary>
    public string? AccountId { get; init; }

    public required string Type { get; init; }

    [JsonPropertyName("ARN")]
    public required string Arn { get; init; }
}
