using System.Text.Json.Serialization;
using Coffer.Audit.Records;

namespace Coffer.Audit.Digests;

/// <summary>
/// A digest file in CloudTrail's layout, fields in CloudTrail's order. Every field is written,
/// null included (the first digest has no previous one), so a reader sees one fixed shape.
/// </summary>
public sealed class AuditDigest
{
    public required string AwsAccountId { get; init; }

    [JsonConverter(typeof(CloudTrailTimeConverter))]
    public required DateTimeOffset DigestStartTime { get; init; }

    [JsonConverter(typeof(CloudTrailTimeConverter))]
    public required DateTimeOffset DigestEndTime { get; init; }

    public required string DigestS3Bucket { get; init; }

    public required string DigestS3Object { get; init; }

    public required string DigestPublicKeyFingerprint { get; init; }

    public required string DigestSignatureAlgorithm { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonConverter(typeof(NullableCloudTrailTimeConverter))]
    public DateTimeOffset? NewestEventTime { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonConverter(typeof(NullableCloudTrailTimeConverter))]
    public DateTimeOffset? OldestEventTime { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PreviousDigestS3Bucket { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PreviousDigestS3Object { get; init; }

    /// <summary>Hex SHA-256 of the previous digest file's (uncompressed) bytes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PreviousDigestHashValue { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PreviousDigestHashAlgorithm { get; init; }

    /// <summary>The previous digest's signature, hex: what chains the digests.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PreviousDigestSignature { get; init; }

    public required IReadOnlyList<AuditDigestLogFile> LogFiles { get; init; }
}
