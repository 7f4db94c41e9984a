using System.Text.Json;

namespace Coffer.Audit.Lookup;

/// <summary>
/// A resource as LookupEvents names it: the record's resource type, and a name taken from its
/// ARN (a bucket, bucket/key, an IAM entity's name; the whole ARN for anything else, as KMS keys).
/// </summary>
public sealed record AuditLookupResource(string ResourceType, string ResourceName, string Arn)
{
    /// <summary>The record's <c>resources</c>; none when it has none.</summary>
    public static IReadOnlyList<AuditLookupResource> Read(JsonElement record)
    {
        if (!record.TryGetProperty("resources", out var resources) || resources.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var found = new List<AuditLookupResource>();
        foreach (var resource in resources.EnumerateArray())
        {
            if (resource.ValueKind == JsonValueKind.Object
                && resource.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                && resource.TryGetProperty("ARN", out var arn) && arn.ValueKind == JsonValueKind.String)
            {
                found.Add(new AuditLookupResource(type.GetString()!, NameOf(arn.GetString()!), arn.GetString()!));
            }
        }

        return found;
    }

    /// <summary>The record JSON's resources, for an event read back from the index.</summary>
    public static IReadOnlyList<AuditLookupResource> Read(string recordJson)
    {
        using var document = JsonDocument.Parse(recordJson);
        return Read(document.RootElement);
    }

    internal static string NameOf(string arn)
    {
        const string S3 = "arn:aws:s3:::";
        if (arn.StartsWith(S3, StringComparison.Ordinal))
        {
            return arn[S3.Length..];
        }

        // arn:aws:iam::ACCOUNT:user/path/name → name
        var parts = arn.Split(':', 6);
        if (parts.Length == 6 && parts[2] == "iam" && parts[5].LastIndexOf('/') is var slash and > 0)
        {
            return parts[5][(slash + 1)..];
        }

        return arn;
    }
}
