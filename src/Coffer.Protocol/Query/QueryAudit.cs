using System.Globalization;
using System.Text.Json.Nodes;

namespace Coffer.Protocol.Query;

/// <summary>A Query call's parameters as CloudTrail writes them: camelCase, lists as arrays, credentials left out.</summary>
internal static class QueryAudit
{
    private const int MaxParameters = 256;

    public static JsonObject Parameters(IReadOnlyDictionary<string, string> parameters)
    {
        var root = new JsonObject();
        var count = 0;
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (IsEnvelope(name) || ++count > MaxParameters)
            {
                continue;
            }

            Insert(root, name.Split('.'), value);
        }

        return (JsonObject)Arrays(root);
    }

    /// <summary>Action and Version name the call; the rest authenticate it and are no parameter of it.</summary>
    private static bool IsEnvelope(string name) =>
        name is "Action" or "Version" or "AWSAccessKeyId" or "Signature" or "SignatureMethod" or "SignatureVersion" or "Timestamp" or "Expires" or "SecurityToken"
        || name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase);

    /// <summary>Tags.member.2.Key → tags["2"]["key"]; numbered levels become arrays afterwards.</summary>
    private static void Insert(JsonObject root, string[] path, string value)
    {
        var node = root;
        var segments = path.Where(s => s is not ("member" or "entry") && s.Length > 0).Select(CamelCase).ToArray();
        if (segments.Length == 0)
        {
            return;
        }

        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (node[segments[i]] is not JsonObject child)
            {
                child = [];
                node[segments[i]] = child;
            }

            node = child;
        }

        node[segments[^1]] = value;
    }

    private static JsonNode Arrays(JsonNode node)
    {
        if (node is not JsonObject obj)
        {
            return node;
        }

        var names = obj.Select(p => p.Key).ToList();
        foreach (var name in names)
        {
            var child = obj[name]!;
            obj.Remove(name);
            obj[name] = Arrays(child);
        }

        if (names.Count > 0 && names.All(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var array = new JsonArray();
            foreach (var name in names.OrderBy(n => int.Parse(n, CultureInfo.InvariantCulture)))
            {
                var child = obj[name]!;
                obj.Remove(name);
                array.Add(child);
            }

            return array;
        }

        return obj;
    }

    private static string CamelCase(string name) =>
        name.Length > 0 && char.IsAsciiLetterUpper(name[0]) ? char.ToLowerInvariant(name[0]) + name[1..] : name;
}
