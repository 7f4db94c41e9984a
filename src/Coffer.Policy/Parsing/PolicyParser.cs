using System.Text;
using System.Text.Json;
using Coffer.Policy.Conditions;
using Coffer.Policy.Matching;

namespace Coffer.Policy.Parsing;

/// <summary>
/// The policy grammar, validated per <see cref="PolicyKind"/> the way IAM and S3 validate it.
/// Messages start with AWS's wording and then say where: statement number, Sid and element.
/// </summary>
internal static class PolicyParser
{
    public const string Version2012 = "2012-10-17";
    public const string Version2008 = "2008-10-17";

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = PolicyLimits.MaxDepth,
        AllowDuplicateProperties = false,
    };

    public static (string Version, string? Id, PolicyStatement[] Statements) Parse(string json, PolicyKind kind)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > PolicyLimits.MaxDocumentChars)
        {
            throw new MalformedPolicyException(
                $"Policy document is too large: {json.Length} characters, the limit is {PolicyLimits.MaxDocumentChars}.");
        }

        var utf8 = Encoding.UTF8.GetBytes(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new MalformedPolicyException($"Syntax errors in policy: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedPolicyException("Syntax errors in policy: the document must be a JSON object.");
            }

            string? version = null;
            string? id = null;
            JsonElement? statement = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "Version":
                        version = RequireString(property.Value, "the top level, element Version");
                        if (version is not (Version2012 or Version2008))
                        {
                            throw new MalformedPolicyException(
                                $"The policy failed legacy parsing: Version '{version}' is not {Version2012} or {Version2008} (top level, element Version).");
                        }

                        break;
                    case "Id":
                        id = RequireString(property.Value, "the top level, element Id");
                        break;
                    case "Statement":
                        statement = property.Value;
                        break;
                    default:
                        throw new MalformedPolicyException($"Syntax errors in policy: unknown element '{property.Name}' at the top level.");
                }
            }

            if (statement is not { } statementElement)
            {
                throw new MalformedPolicyException("Syntax errors in policy: missing required element Statement at the top level.");
            }

            var elements = statementElement.ValueKind switch
            {
                JsonValueKind.Object => [statementElement],
                JsonValueKind.Array => statementElement.EnumerateArray().ToList(),
                _ => throw new MalformedPolicyException("Syntax errors in policy: Statement must be an object or an array of objects (top level, element Statement)."),
            };

            if (elements.Count == 0)
            {
                throw new MalformedPolicyException("Syntax errors in policy: Statement has no statements (top level, element Statement).");
            }

            var positions = StatementLocator.Locate(utf8);
            var variables = version == Version2012;
            var statements = new PolicyStatement[elements.Count];
            var sids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < elements.Count; i++)
            {
                if (elements[i].ValueKind != JsonValueKind.Object)
                {
                    throw new MalformedPolicyException($"Syntax errors in policy: statement {i + 1} is not a JSON object.");
                }

                var position = i < positions.Count ? positions[i] : default;
                statements[i] = new StatementParser(elements[i], i, kind, variables, position.Start, position.End).Parse();
                if (statements[i].Sid is { } sid && !sids.Add(sid))
                {
                    throw new MalformedPolicyException(
                        $"Statement IDs (SID) in a single policy must be unique: \"{sid}\" appears twice (statement {i + 1}, element Sid).");
                }
            }

            return (version ?? Version2008, id, statements);
        }
    }

    private static string RequireString(JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new MalformedPolicyException($"Syntax errors in policy: expected a string at {where}.");
}
