using System.Text.Json;

namespace Coffer.Audit.Lookup;

/// <summary>The columns the lookup index keeps for one record, read from its JSON.</summary>
internal readonly record struct IndexedFields(
    long EventTime,
    string EventId,
    string EventName,
    string EventSource,
    bool ReadOnly,
    string? Username,
    string? PrincipalArn,
    string? AccessKeyId,
    string? Bucket,
    string? ObjectKey,
    string? ErrorCode,
    string? SourceIp,
    IReadOnlyList<AuditLookupResource> Resources)
{
    public static IndexedFields Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var identity = root.TryGetProperty("userIdentity", out var id) && id.ValueKind == JsonValueKind.Object ? id : default;
        var parameters = root.TryGetProperty("requestParameters", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var arn = Text(identity, "arn");
        return new IndexedFields(
            root.GetProperty("eventTime").GetDateTimeOffset().ToUnixTimeMilliseconds(),
            Text(root, "eventID") ?? "",
            Text(root, "eventName") ?? "",
            Text(root, "eventSource") ?? "",
            root.TryGetProperty("readOnly", out var readOnly) && readOnly.ValueKind == JsonValueKind.True,
            LookupUsername(Text(identity, "type"), Text(identity, "userName"), arn, Text(identity, "accountId")),
            arn,
            Text(identity, "accessKeyId"),
            Text(parameters, "bucketName"),
            Text(parameters, "key"),
            Text(root, "errorCode"),
            Text(root, "sourceIPAddress"),
            AuditLookupResource.Read(root));
    }

    /// <summary>What LookupEvents calls the user name: the user's name, the role session's name, "root", or the account for others.</summary>
    private static string? LookupUsername(string? type, string? userName, string? arn, string? accountId) => type switch
    {
        "Root" => "root",
        "AssumedRole" when arn is not null => arn[(arn.LastIndexOf('/') + 1)..],
        "AWSAccount" => accountId,
        _ => userName,
    };

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
