using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coffer.Audit.Lookup;
using Coffer.Policy;
using Coffer.Protocol.Authorization;

namespace Coffer.Protocol.Json.CloudTrail;

/// <summary>
/// LookupEvents: validate the request as CloudTrail does, authorise cloudtrail:LookupEvents on "*",
/// query the lookup index and answer with CloudTrail's Event shape.
/// </summary>
internal sealed class CloudTrailHandlers(AuditLookupService lookup, Authorizer authorizer)
{
    /// <summary>Coffer's extension: any number of lookup attributes, all of which must match, besides LookupAttributes.</summary>
    public const string ExtensionMember = "CofferLookupAttributes";

    public const int MaxResults = 50;

    private const int MaxAttributeValue = 2000;
    private const byte TokenVersion = 1;
    private const int TokenCheckBytes = 16;

    // Tokens are checked with this process's key: a forged or edited one is refused, and one from
    // before a restart is refused too, which a client meets by starting the lookup again.
    private readonly byte[] _tokenKey = RandomNumberGenerator.GetBytes(32);

    public Task<Action<Utf8JsonWriter>?> DispatchAsync(JsonCall call, CloudTrailOperation operation) => operation switch
    {
        CloudTrailOperation.LookupEvents => LookupEventsAsync(call),
        _ => throw new JsonProtocolException("UnknownOperationException", null),
    };

    private async Task<Action<Utf8JsonWriter>?> LookupEventsAsync(JsonCall call)
    {
        var request = call.Request;
        var attributes = Attributes(request, "LookupAttributes");
        if (attributes.Count > 1)
        {
            throw CloudTrailErrors.LookupAttributes("LookupAttributes can contain only one item.");
        }

        var extension = Attributes(request, ExtensionMember);
        var (start, end) = (request.Timestamp("StartTime"), request.Timestamp("EndTime"));
        var maxResults = request.Int("MaxResults") ?? MaxResults;
        var category = request.String("EventCategory");
        var token = request.String("NextToken");
        if (start > end)
        {
            throw CloudTrailErrors.TimeRange();
        }

        if (maxResults is < 1 or > MaxResults)
        {
            throw CloudTrailErrors.MaxResults();
        }

        if (category is not null and not "insight")
        {
            throw CloudTrailErrors.EventCategory(category);
        }

        var query = new AuditQuery { StartTime = start, EndTime = end, MaxResults = maxResults };
        foreach (var (key, value) in attributes.Concat(extension))
        {
            query = LookupAttributeKeys.Narrow(query, key, value);
        }

        if (category is not null && attributes.Concat(extension).FirstOrDefault(a => !LookupAttributeKeys.Insights.Contains(a.Key)) is { Key: { } unsupported })
        {
            throw CloudTrailErrors.LookupAttributes($"'{unsupported}' is not a valid lookup attribute key for Insights events.");
        }

        var fingerprint = Fingerprint(attributes, extension, start, end, category);
        if (token is not null)
        {
            query = query with { NextToken = OpenToken(token, fingerprint) };
        }

        await AuthorizeAsync(call).ConfigureAwait(false);

        // Coffer records no Insights events: the category is valid and has nothing in it.
        AuditLookupPage page;
        try
        {
            page = category is null
                ? await lookup.QueryAsync(query, call.Aborted).ConfigureAwait(false)
                : new AuditLookupPage([], null);
        }
        catch (ArgumentException)
        {
            // The index refused the position inside a token that passed its check.
            throw CloudTrailErrors.NextToken();
        }

        var next = page.NextToken is null ? null : SealToken(page.NextToken, fingerprint);
        return json =>
        {
            json.WriteStartArray("Events");
            foreach (var e in page.Events)
            {
                WriteEvent(json, e);
            }

            json.WriteEndArray();
            if (next is not null)
            {
                json.WriteString("NextToken", next);
            }
        };
    }

    private async Task AuthorizeAsync(JsonCall call)
    {
        const string Action = "cloudtrail:LookupEvents";
        var keys = authorizer.GlobalKeys(call.Http, call.Principal);
        var decision = await authorizer.DecideAsync(new AuthorizationQuestion(call.Principal, Action, "*", keys), call.Aborted).ConfigureAwait(false);
        if (decision != Decision.Allow)
        {
            var reason = decision == Decision.ExplicitDeny
                ? "with an explicit deny in an identity-based policy"
                : $"because no identity-based policy allows the {Action} action";
            throw new JsonProtocolException("AccessDeniedException", $"User: {call.Principal.Arn} is not authorized to perform: {Action} on resource: * {reason}");
        }
    }

    /// <summary>A list of {AttributeKey, AttributeValue}, both required, the value 1 to 2000 characters.</summary>
    private static List<KeyValuePair<string, string>> Attributes(JsonRequest request, string member)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var item in request.ObjectList(member) ?? [])
        {
            var key = item.String("AttributeKey") ?? throw CloudTrailErrors.LookupAttributes("AttributeKey is required in a lookup attribute.");
            var value = item.String("AttributeValue") ?? throw CloudTrailErrors.LookupAttributes("AttributeValue is required in a lookup attribute.");
            if (value.Length is 0 or > MaxAttributeValue)
            {
                throw CloudTrailErrors.LookupAttributes($"AttributeValue of {key} must be 1 to {MaxAttributeValue} characters long.");
            }

            if (list.Any(a => a.Key == key))
            {
                throw CloudTrailErrors.LookupAttributes($"The lookup attribute {key} is given more than once.");
            }

            list.Add(new(key, value));
        }

        return list;
    }

    private static void WriteEvent(Utf8JsonWriter json, AuditLookupEvent e)
    {
        json.WriteStartObject();
        json.WriteString("EventId", e.EventId);
        json.WriteString("EventName", e.EventName);
        json.WriteString("ReadOnly", e.ReadOnly ? "true" : "false");
        if (e.AccessKeyId is not null)
        {
            json.WriteString("AccessKeyId", e.AccessKeyId);
        }

        // JSON 1.1 timestamps are epoch seconds.
        json.WriteNumber("EventTime", e.EventTime.ToUnixTimeMilliseconds() / 1000m);
        json.WriteString("EventSource", e.EventSource);
        if (e.Username is not null)
        {
            json.WriteString("Username", e.Username);
        }

        json.WriteStartArray("Resources");
        foreach (var resource in e.Resources)
        {
            json.WriteStartObject();
            json.WriteString("ResourceType", resource.ResourceType);
            json.WriteString("ResourceName", resource.ResourceName);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("CloudTrailEvent", e.CloudTrailEvent);
        json.WriteEndObject();
    }

    /// <summary>What a NextToken is bound to: every parameter but MaxResults, which a paginator may change.</summary>
    private static byte[] Fingerprint(
        List<KeyValuePair<string, string>> attributes, List<KeyValuePair<string, string>> extension, DateTimeOffset? start, DateTimeOffset? end, string? category)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in attributes.Concat(extension).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('\0').Append(value).Append('\0');
        }

        text.Append(CultureInfo.InvariantCulture, $"{start?.ToUnixTimeMilliseconds()}\0{end?.ToUnixTimeMilliseconds()}\0{category}");
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>version ‖ first 16 bytes of HMAC-SHA256(fingerprint ‖ position) ‖ the index's position, in base64url.</summary>
    private string SealToken(string position, byte[] fingerprint)
    {
        var positionBytes = Encoding.UTF8.GetBytes(position);
        var token = new byte[1 + TokenCheckBytes + positionBytes.Length];
        token[0] = TokenVersion;
        Check(fingerprint, positionBytes).CopyTo(token, 1);
        positionBytes.CopyTo(token, 1 + TokenCheckBytes);
        return Base64Url.EncodeToString(token);
    }

    private string OpenToken(string token, byte[] fingerprint)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw CloudTrailErrors.NextToken();
        }

        if (bytes.Length <= 1 + TokenCheckBytes || bytes[0] != TokenVersion)
        {
            throw CloudTrailErrors.NextToken();
        }

        var position = bytes.AsSpan(1 + TokenCheckBytes);
        if (!CryptographicOperations.FixedTimeEquals(bytes.AsSpan(1, TokenCheckBytes), Check(fingerprint, position)))
        {
            throw CloudTrailErrors.NextToken();
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(position);
        }
        catch (DecoderFallbackException)
        {
            throw CloudTrailErrors.NextToken();
        }
    }

    private byte[] Check(byte[] fingerprint, ReadOnlySpan<byte> position)
    {
        using var hash = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _tokenKey);
        hash.AppendData(fingerprint);
        hash.AppendData(position);
        return hash.GetHashAndReset()[..TokenCheckBytes];
    }
}
