using Coffer.Audit.Lookup;

namespace Coffer.Protocol.Json.CloudTrail;

/// <summary>
/// The lookup attributes LookupEvents accepts: CloudTrail's eight, and Coffer's extension keys for
/// what CloudTrail cannot filter on (bucket, key prefix, error code, source IP, caller ARN).
/// </summary>
internal static class LookupAttributeKeys
{
    public const string EventId = "EventId";
    public const string EventName = "EventName";
    public const string ReadOnly = "ReadOnly";
    public const string Username = "Username";
    public const string ResourceType = "ResourceType";
    public const string ResourceName = "ResourceName";
    public const string EventSource = "EventSource";
    public const string AccessKeyId = "AccessKeyId";

    // Coffer's extension; AWS's service model does not list them, and its clients do not check.
    public const string Bucket = "Bucket";
    public const string KeyPrefix = "KeyPrefix";
    public const string ErrorCode = "ErrorCode";
    public const string SourceIpAddress = "SourceIpAddress";
    public const string PrincipalArn = "PrincipalArn";

    /// <summary>The attributes CloudTrail allows for Insights events.</summary>
    public static readonly HashSet<string> Insights = [EventId, EventName, EventSource];

    private static readonly Dictionary<string, Func<AuditQuery, string, AuditQuery>> Apply = new(StringComparer.Ordinal)
    {
        [EventId] = (q, v) => q with { EventId = v },
        [EventName] = (q, v) => q with { EventName = v },
        [ReadOnly] = (q, v) => q with
        {
            ReadOnly = v switch
            {
                "true" => true,
                "false" => false,
                _ => throw CloudTrailErrors.LookupAttributes($"The value of the ReadOnly lookup attribute must be true or false, not '{v}'."),
            },
        },
        [Username] = (q, v) => q with { Username = v },
        [ResourceType] = (q, v) => q with { ResourceType = v },
        [ResourceName] = (q, v) => q with { ResourceName = v },
        [EventSource] = (q, v) => q with { EventSource = v },
        [AccessKeyId] = (q, v) => q with { AccessKeyId = v },
        [Bucket] = (q, v) => q with { Bucket = v },
        [KeyPrefix] = (q, v) => q with { KeyPrefix = v },
        [ErrorCode] = (q, v) => q with { ErrorCode = v },
        [SourceIpAddress] = (q, v) => q with { SourceIpAddress = v },
        [PrincipalArn] = (q, v) => q with { PrincipalArn = v },
    };

    /// <summary>The query narrowed by one attribute; an unknown key is the client's error.</summary>
    public static AuditQuery Narrow(AuditQuery query, string key, string value) =>
        Apply.TryGetValue(key, out var apply)
            ? apply(query, value)
            : throw CloudTrailErrors.LookupAttributes($"'{key}' is not a valid lookup attribute key. Valid keys: {string.Join(", ", Apply.Keys)}.");
}
