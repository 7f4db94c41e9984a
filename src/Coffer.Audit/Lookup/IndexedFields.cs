using System.Text.Json;

namespace Coffer.Audit.Lookup;

/// <summary>The fields the lookup index filters on, read from a record's JSON.</summary>
internal sealed record IndexedFields(
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
    /// <summary>
    /// One forward pass with <see cref="Utf8JsonReader"/>, building nothing but the strings kept:
    /// every record goes through here once when it is indexed. Throws <see cref="JsonException"/>
    /// or <see cref="FormatException"/> on a record that is not one.
    /// </summary>
    public static IndexedFields Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartObject);
        DateTimeOffset? time = null;
        string? eventId = null, eventName = null, eventSource = null, errorCode = null, sourceIp = null;
        string? type = null, userName = null, arn = null, accountId = null, accessKeyId = null, bucket = null, key = null;
        var readOnly = false;
        List<AuditLookupResource>? resources = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("userIdentity"u8))
            {
                while (NextProperty(ref reader))
                {
                    switch (Nested(ref reader))
                    {
                        case NestedField.Type: type = NextString(ref reader); break;
                        case NestedField.UserName: userName = NextString(ref reader); break;
                        case NestedField.Arn: arn = NextString(ref reader); break;
                        case NestedField.AccountId: accountId = NextString(ref reader); break;
                        case NestedField.AccessKeyId: accessKeyId = NextString(ref reader); break;
                        default: SkipValue(ref reader); break;
                    }
                }
            }
            else if (reader.ValueTextEquals("requestParameters"u8))
            {
                while (NextProperty(ref reader))
                {
                    switch (Nested(ref reader))
                    {
                        case NestedField.BucketName: bucket = NextString(ref reader); break;
                        case NestedField.Key: key = NextString(ref reader); break;
                        default: SkipValue(ref reader); break;
                    }
                }
            }
            else if (reader.ValueTextEquals("resources"u8))
            {
                reader.Read();
                resources = ReadResources(ref reader);
            }
            else if (reader.ValueTextEquals("readOnly"u8))
            {
                reader.Read();
                readOnly = reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("eventTime"u8))
            {
                reader.Read();
                time = reader.TokenType == JsonTokenType.String ? reader.GetDateTimeOffset() : null;
                reader.Skip();
            }
            else
            {
                var name = TopLevel(ref reader);
                reader.Read();
                switch (name)
                {
                    case TopLevelField.EventId: eventId = StringOrNull(ref reader); break;
                    case TopLevelField.EventName: eventName = StringOrNull(ref reader); break;
                    case TopLevelField.EventSource: eventSource = StringOrNull(ref reader); break;
                    case TopLevelField.ErrorCode: errorCode = StringOrNull(ref reader); break;
                    case TopLevelField.SourceIp: sourceIp = StringOrNull(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }

        if (time is null)
        {
            throw new FormatException("The record has no eventTime.");
        }

        return new IndexedFields(
            time.Value.ToUnixTimeMilliseconds(),
            eventId ?? "",
            eventName ?? "",
            eventSource ?? "",
            readOnly,
            LookupUsername(type, userName, arn, accountId),
            arn,
            accessKeyId,
            bucket,
            key,
            errorCode,
            sourceIp,
            (IReadOnlyList<AuditLookupResource>?)resources ?? []);
    }

    private enum TopLevelField
    {
        Other,
        EventId,
        EventName,
        EventSource,
        ErrorCode,
        SourceIp,
    }

    private static TopLevelField TopLevel(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("eventID"u8) ? TopLevelField.EventId
        : reader.ValueTextEquals("eventName"u8) ? TopLevelField.EventName
        : reader.ValueTextEquals("eventSource"u8) ? TopLevelField.EventSource
        : reader.ValueTextEquals("errorCode"u8) ? TopLevelField.ErrorCode
        : reader.ValueTextEquals("sourceIPAddress"u8) ? TopLevelField.SourceIp
        : TopLevelField.Other;

    private enum NestedField
    {
        Other,
        Type,
        UserName,
        Arn,
        AccountId,
        AccessKeyId,
        BucketName,
        Key,
    }

    /// <summary>The userIdentity and requestParameters properties kept, whichever object the reader is in.</summary>
    private static NestedField Nested(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("type"u8) ? NestedField.Type
        : reader.ValueTextEquals("userName"u8) ? NestedField.UserName
        : reader.ValueTextEquals("arn"u8) ? NestedField.Arn
        : reader.ValueTextEquals("accountId"u8) ? NestedField.AccountId
        : reader.ValueTextEquals("accessKeyId"u8) ? NestedField.AccessKeyId
        : reader.ValueTextEquals("bucketName"u8) ? NestedField.BucketName
        : reader.ValueTextEquals("key"u8) ? NestedField.Key
        : NestedField.Other;

    /// <summary>
    /// Moves through the properties of the object that is the current property's value: to the
    /// first name when called on the property, to the next after its value; false at the object's
    /// end. A value that is not an object is skipped and has no properties.
    /// </summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return false;
            }
        }

        return reader.Read() && reader.TokenType == JsonTokenType.PropertyName;
    }

    private static string? NextString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return StringOrNull(ref reader);
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    private static List<AuditLookupResource>? ReadResources(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var found = new List<AuditLookupResource>(2);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            string? type = null, arn = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                var isArn = reader.ValueTextEquals("ARN"u8);
                reader.Read();
                if (isType)
                {
                    type = StringOrNull(ref reader);
                }
                else if (isArn)
                {
                    arn = StringOrNull(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }

            if (type is not null && arn is not null)
            {
                found.Add(new AuditLookupResource(type, AuditLookupResource.NameOf(arn), arn));
            }
        }

        return found;
    }

    private static string? StringOrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new FormatException("The record is not a JSON object.");
        }
    }

    /// <summary>What LookupEvents calls the user name: the user's name, the role session's name, "root", or the account for others.</summary>
    private static string? LookupUsername(string? type, string? userName, string? arn, string? accountId) => type switch
    {
        "Root" => "root",
        "AssumedRole" when arn is not null => arn[(arn.LastIndexOf('/') + 1)..],
        "AWSAccount" => accountId,
        _ => userName,
    };
}
