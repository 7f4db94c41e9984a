using System.Text.Json.Serialization;

namespace Coffer.Audit.Records;

/// <summary>When the session was issued and whether MFA was used; CloudTrail writes the flag as a string.</summary>
public sealed class AuditSessionAttributes
{
    [JsonConverter(typeof(CloudTrailTimeConverter))]
    public required DateTimeOffset CreationDate { get; init; }

    [JsonConverter(typeof(BooleanStringConverter))]
    public bool MfaAuthenticated { get; init; }
}
