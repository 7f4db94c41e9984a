using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Coffer.Audit.Records;

/// <summary>
/// One request, in CloudTrail's record format. Properties are declared in the order CloudTrail
/// writes them, because serialisation follows declaration order. requestParameters and
/// responseElements are always written (null when absent), as CloudTrail does; other nulls are omitted.
/// Free-form values pass through <see cref="AuditRedaction"/> whenever they are serialised.
/// </summary>
public sealed class AuditRecord
{
    /// <summary>The record format version this build writes.</summary>
    public const string CurrentEventVersion = "1.09";

    public string EventVersion { get; init; } = CurrentEventVersion;

    public required AuditUserIdentity UserIdentity { get; init; }

    [JsonConverter(typeof(CloudTrailTimeConverter))]
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>s3.amazonaws.com, iam.amazonaws.com, sts.amazonaws.com, kms.amazonaws.com, signin.amazonaws.com…</summary>
    public required string EventSource { get; init; }

    public required string EventName { get; init; }

    public required string AwsRegion { get; init; }

    [JsonPropertyName("sourceIPAddress")]
    public string? SourceIPAddress { get; init; }

    [JsonConverter(typeof(RedactingStringConverter))]
    public string? UserAgent { get; init; }

    public string? ErrorCode { get; init; }

    [JsonConverter(typeof(RedactingStringConverter))]
    public string? ErrorMessage { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonConverter(typeof(RedactingObjectConverter))]
    public JsonObject? RequestParameters { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonConverter(typeof(RedactingObjectConverter))]
    public JsonObject? ResponseElements { get; init; }

    public AuditAdditionalEventData? AdditionalEventData { get; init; }

    [JsonPropertyName("requestID")]
    public string? RequestId { get; init; }

    [JsonPropertyName("eventID")]
    public required Guid EventId { get; init; }

    public bool ReadOnly { get; init; }

    public IReadOnlyList<AuditResource>? Resources { get; init; }

    public string EventType { get; init; } = "AwsApiCall";

    public bool ManagementEvent { get; init; }

    public string? RecipientAccountId { get; init; }

    /// <summary>"Management" or "Data" (S3 object-level calls).</summary>
    public string EventCategory { get; init; } = AuditEventCategory.Management;

    public AuditTlsDetails? TlsDetails { get; init; }
}
