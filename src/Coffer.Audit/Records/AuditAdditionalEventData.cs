using System.Text.Json.Serialization;

namespace Coffer.Audit.Records;

/// <summary>
/// additionalEventData, with the names CloudTrail's S3 and sign-in events use (their odd casing
/// included). A fixed set of fields rather than free-form JSON, so nothing unvetted lands here.
/// </summary>
public sealed class AuditAdditionalEventData
{
    /// <summary>"SigV4", "SigV2"; absent for anonymous calls.</summary>
    [JsonPropertyName("SignatureVersion")]
    public string? SignatureVersion { get; init; }

    [JsonPropertyName("CipherSuite")]
    public string? CipherSuite { get; init; }

    [JsonPropertyName("bytesTransferredIn")]
    public long? BytesTransferredIn { get; init; }

    /// <summary>"AuthHeader" or "QueryString" (pre-signed).</summary>
    [JsonPropertyName("AuthenticationMethod")]
    public string? AuthenticationMethod { get; init; }

    [JsonPropertyName("x-amz-id-2")]
    public string? XAmzId2 { get; init; }

    [JsonPropertyName("bytesTransferredOut")]
    public long? BytesTransferredOut { get; init; }

    /// <summary>Web sign-ins: where the user was going.</summary>
    [JsonPropertyName("LoginTo")]
    public string? LoginTo { get; init; }

    [JsonPropertyName("MobileVersion")]
    public string? MobileVersion { get; init; }

    /// <summary>Web sign-ins: "Yes" or "No".</summary>
    [JsonPropertyName("MFAUsed")]
    public string? MfaUsed { get; init; }
}
