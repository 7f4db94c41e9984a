using System.Text.Json.Serialization;
using Coffer.Audit.Records;

namespace Coffer.Audit.Digests;

/// <summary>One delivered log file as a digest lists it.</summary>
public sealed class AuditDigestLogFile
{
    public required string S3Bucket { get; init; }

    public required string S3Object { get; init; }

    /// <summary>Hex SHA-256 of the log file's uncompressed bytes.</summary>
    public required string HashValue { get; init; }

    public string HashAlgorithm { get; init; } = "SHA-256";

    [JsonConverter(typeof(NullableCloudTrailTimeConverter))]
    public DateTimeOffset? NewestEventTime { get; init; }

    [JsonConverter(typeof(NullableCloudTrailTimeConverter))]
    public DateTimeOffset? OldestEventTime { get; init; }
}
