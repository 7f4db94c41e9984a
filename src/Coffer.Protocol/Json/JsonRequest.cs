using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Protocol.Json;

/// <summary>
/// The members of a JSON 1.1 request body, read by AWS's rules: a member of the wrong JSON type
/// is a SerializationException, a missing required member a ValidationException naming it in
/// camelCase, a blob is base64. Unknown members are ignored.
/// </summary>
public sealed class JsonRequest
{
    private readonly JsonElement _root;

    private JsonRequest(JsonElement root) => _root = root;

    /// <summary>Parses a body (empty means {}), refusing nesting deeper than <paramref name="maxDepth"/>.</summary>
    public static JsonRequest Parse(ReadOnlyMemory<byte> body, int maxDepth)
    {
        if (body.IsEmpty)
        {
            return new JsonRequest(JsonDocument.Parse("{}").RootElement);
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth });
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw JsonProtocolException.Serialization("The request body is not valid JSON.");
        }

        return root.ValueKind == JsonValueKind.Object
            ? new JsonRequest(root)
            : throw JsonProtocolException.Serialization("The request body must be a JSON object.");
    }

    /// <summary>Members never put in an audit record: data and signatures rather than parameters.</summary>
    private static readonly HashSet<string> UnauditedMembers = new(StringComparer.Ordinal) { "Plaintext", "CiphertextBlob", "Message", "Signature", "Mac" };

    /// <summary>The request's members as CloudTrail writes them (camelCase names), without blobs of data.</summary>
    internal JsonObject AuditParameters()
    {
        var parameters = new JsonObject();
        foreach (var member in _root.EnumerateObject())
        {
            if (member.Name.Length == 0 || UnauditedMembers.Contains(member.Name) || member.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            parameters[char.ToLowerInvariant(member.Name[0]) + member.Name[1..]] = JsonNode.Parse(member.Value.GetRawText());
        }

        return parameters;
    }

    public string? String(string name) => Member(name, JsonValueKind.String) is { } value ? value.GetString() : null;

    public string RequiredString(string name) => String(name) ?? throw Missing(name);

    public int? Int(string name)
    {
        if (Member(name, JsonValueKind.Number) is not { } value)
        {
            return null;
        }

        return value.TryGetInt32(out var number)
            ? number
            : throw JsonProtocolException.Serialization($"{name} must be an integer.");
    }

    public bool? Bool(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw JsonProtocolException.Serialization($"{name} must be a boolean."),
        };
    }

    /// <summary>A base64 blob member, decoded.</summary>
    public byte[]? Blob(string name)
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw JsonProtocolException.Serialization($"{name} is not valid base64.");
        }
    }

    public byte[] RequiredBlob(string name) => Blob(name) ?? throw Missing(name);

    /// <summary>An object of string values, such as an encryption context.</summary>
    public Dictionary<string, string>? StringMap(string name)
    {
        if (Member(name, JsonValueKind.Object) is not { } value)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : throw JsonProtocolException.Serialization($"{name} must map strings to strings.");
        }

        return map;
    }

    /// <summary>A list of structures, each read by the same rules; null when absent.</summary>
    public IReadOnlyList<JsonRequest>? ObjectList(string name)
    {
        if (Member(name, JsonValueKind.Array) is not { } value)
        {
            return null;
        }

        return value.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.Object
                ? new JsonRequest(item)
                : throw JsonProtocolException.Serialization($"{name} must hold JSON objects."))
            .ToList();
    }

    /// <summary>A timestamp member: epoch seconds, with a fraction or not, as JSON 1.1 sends them.</summary>
    public DateTimeOffset? Timestamp(string name)
    {
        if (Member(name, JsonValueKind.Number) is not { } value)
        {
            return null;
        }

        // DateTimeOffset's range in seconds; anything beyond is no time at all.
        return value.TryGetDouble(out var seconds) && seconds is >= -62135596800 and <= 253402300799
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000))
            : throw JsonProtocolException.Serialization($"{name} is not a valid timestamp.");
    }

    /// <summary>Whether the member is present with a value other than null, e.g. to refuse what is not supported.</summary>
    public bool Has(string name) => _root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private JsonElement? Member(string name, JsonValueKind kind)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == kind
            ? value
            : throw JsonProtocolException.Serialization($"{name} must be a JSON {kind.ToString().ToLowerInvariant()}.");
    }

    private static JsonProtocolException Missing(string name) =>
        JsonProtocolException.Constraint(char.ToLowerInvariant(name[0]) + name[1..], null, "must not be null");
}
