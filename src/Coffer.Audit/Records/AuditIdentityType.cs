using System.Text.Json.Serialization;

namespace Coffer.Audit.Records;

/// <summary>userIdentity.type as CloudTrail writes it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuditIdentityType>))]
public enum AuditIdentityType
{
    Root,

    [JsonStringEnumMemberName("IAMUser")]
    IamUser,

    AssumedRole,

    /// <summary>Another account, or an anonymous caller (accountId "anonymous", as S3 data events write it).</summary>
    [JsonStringEnumMemberName("AWSAccount")]
    AwsAccount,

    /// <summary>sessionIssuer.type of a role session.</summary>
    Role,

    /// <summary>Credentials were offered but could not be verified (a bad signature, an unknown key).</summary>
    Unknown,
}
